# analysis.R -- every estimate of lleval's secure/estimates.csv, recomputed in R
# from secure/analysis.csv (SPEC section 6), for a researcher to check, change
# or extend.
#
# Run it from anywhere:   Rscript analysis.R
# It reads analysis.csv from its own folder and writes estimates_R.csv beside
# it, with the columns and rows of estimates.csv in the same order.  Each row
# uses the R expression the SPEC names for it; a row that cannot be computed
# is written with empty numbers and the reason in `method`.  It needs R with
# the survival and lme4 packages and nothing else.
#
# How to use it for a sensitivity analysis: change the cohort rule
# (in_cohort), a covariate list (PROPENSITY_COVARIATES, AOR_COVARIATES), or one
# of the outcome functions (stable_12m_rows, ...) and run it again.  The
# numbers lleval reports are those of this script as it is written.
#
# Two settings go beyond R's defaults, so that the results agree with lleval
# to about 1e-6 rather than 1e-4: Fisher's exact confidence interval and
# conditional MLE are solved with uniroot(tol = 1e-15) (fisher.test's own
# uniroot calls stop at about 1e-4), and the mixed model is optimised to the
# exact REML optimum (lme4's default optimiser stops at about 1e-7).

suppressPackageStartupMessages({
  library(survival)
  library(lme4)
})

## ---- configuration of the run (lleval evaluate writes these values) ----
DESIGN <- "explicit"       # comparison design as run: explicit, match or none (SPEC 5)
SDQ_SOURCE <- "oc2"        # cohort.sdq_source: oc2, items:P, items:T or items:S (SPEC 3, 6)
LLEVAL_VERSION <- ""       # the lleval version that wrote analysis.csv ("" when run by hand)
## ---- end of the configuration ----
# The other settings (eligibility ages, leavers, homeless ACCOM codes,
# caliper, ratio, exact) were applied when analysis.csv was made: its columns
# `eligible`, the outcomes and match_id already carry them.  To change them,
# run `lleval evaluate` again with another --config.

Z975 <- qnorm(0.975)       # every two-sided 95% interval (SPEC 7)
Z_RR <- 1.959964           # the risk ratio's literal z (SPEC 6)
GROUP_T <- "treated"
GROUP_C <- "comparison"
GROUP_D <- "treated-comparison"
TWO_GROUPS <- DESIGN != "none"

# ------------------------------------------------------------------------
# Reading the data
# ------------------------------------------------------------------------

# The folder of this script: Rscript passes it as --file=; source() sets ofile.
script_dir <- function() {
  args <- commandArgs(trailingOnly = FALSE)
  f <- sub("^--file=", "", args[grep("^--file=", args)])
  if (length(f) == 1) return(dirname(normalizePath(f)))
  for (i in rev(seq_len(sys.nframe()))) {
    of <- sys.frame(i)$ofile
    if (!is.null(of)) return(dirname(normalizePath(of)))
  }
  getwd()
}

# analysis.csv as lleval writes it: IDs are text (leading zeros kept), NA is
# an empty field.
read_analysis <- function(path) {
  d <- read.csv(path, colClasses = c(la = "character", child = "character"),
                na.strings = "", stringsAsFactors = FALSE)
  # Rows in the SPEC's order (treated first, then la and child compared
  # bytewise): the AIPW fitted rows depend on it.
  d[order(d$group != GROUP_T, d$la, d$child, method = "radix"), , drop = FALSE]
}

# The cohort rule of SPEC 6, stated once: eligible children; in a matched
# design only those with a match.
in_cohort <- function(d) {
  keep <- d$eligible == 1
  if (DESIGN == "match") keep <- keep & !is.na(d$match_id)
  keep
}

# ------------------------------------------------------------------------
# Output rows
# ------------------------------------------------------------------------

COLUMNS <- c("outcome", "estimand", "group", "term", "n", "events", "estimate",
             "std.error", "statistic", "p.value", "conf.low", "conf.high", "method")

# One row of estimates.csv; numbers not given are empty (NA).
est_row <- function(outcome, estimand, group, term = "", n = NA, events = NA,
                    estimate = NA, std.error = NA, statistic = NA, p.value = NA,
                    conf.low = NA, conf.high = NA, method = "") {
  data.frame(outcome = outcome, estimand = estimand, group = group, term = term,
             n = n, events = events, estimate = estimate, std.error = std.error,
             statistic = statistic, p.value = p.value, conf.low = conf.low,
             conf.high = conf.high, method = method, stringsAsFactors = FALSE)
}

not_computable <- function(why) paste("not computable:", why)

# ------------------------------------------------------------------------
# Proportions and two-group binary contrasts
# ------------------------------------------------------------------------

wilson <- function(x, n) suppressWarnings(prop.test(x, n, correct = FALSE)$conf.int)

proportion_row <- function(outcome, estimand, group, term, x, n,
                           method = "x/n; Wilson score CI prop.test(x, n, correct=FALSE)") {
  if (n < 2)
    return(est_row(outcome, estimand, group, term, n, x,
                   method = not_computable("fewer than 2 children with the outcome")))
  ci <- wilson(x, n)
  est_row(outcome, estimand, group, term, n, x, estimate = x / n,
          conf.low = ci[1], conf.high = ci[2], method = method)
}

# Why a 2x2 contrast cannot be computed, or NULL.
binary_why <- function(xt, nt, xc, nc) {
  if (nt < 2 || nc < 2)
    return(not_computable("fewer than 2 children with the outcome in a group"))
  if (xt + xc == 0) return(not_computable("no child in either group has the event"))
  if (xt + xc == nt + nc) return(not_computable("every child in both groups has the event"))
  NULL
}

# Risk difference: Newcombe's hybrid score interval (method 10) from the two
# Wilson intervals; X-squared and p from prop.test.
risk_difference <- function(xt, nt, xc, nc) {
  pt <- xt / nt; pc <- xc / nc
  wt <- wilson(xt, nt); wc <- wilson(xc, nc)
  d <- pt - pc
  test <- suppressWarnings(prop.test(c(xt, xc), c(nt, nc), correct = FALSE))
  list(estimate = d, statistic = unname(test$statistic), p.value = test$p.value,
       conf.low = d - sqrt((pt - wt[1])^2 + (wc[2] - pc)^2),
       conf.high = d + sqrt((wt[2] - pt)^2 + (pc - wc[1])^2))
}

# The E-value of a risk ratio (VanderWeele & Ding 2017).
e_value <- function(rr) {
  r <- max(rr, 1 / rr)
  r + sqrt(r * (r - 1))
}

# The E-value of the confidence limit nearer 1 (1 when the interval has 1).
e_value_ci <- function(lo, hi) {
  if (lo <= 1 && hi >= 1) return(1)
  e_value(if (lo > 1) lo else hi)
}

# fisher.test(matrix(c(xt, nt - xt, xc, nc - xc), 2)), two-sided, with its
# three root findings to full precision (uniroot tol = 1e-15).  The code is
# fisher.test's own 2x2 branch (R 4.2) with only the tolerance changed.
fisher_exact <- function(xt, nt, xc, nc, conf.level = 0.95) {
  tol <- 1e-15
  m <- xt + xc; n <- (nt - xt) + (nc - xc); k <- nt; x <- xt
  lo <- max(0, k - n); hi <- min(k, m)
  support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) {
    d <- logdc + log(ncp) * support
    d <- exp(d - max(d))
    d / sum(d)
  }
  mnhyper <- function(ncp) {
    if (ncp == 0) return(lo)
    if (ncp == Inf) return(hi)
    sum(support * dnhyper(ncp))
  }
  pnhyper <- function(q, ncp, upper.tail = FALSE) {
    if (ncp == 1)
      return(if (upper.tail) phyper(x - 1, m, n, k, lower.tail = FALSE) else phyper(x, m, n, k))
    if (ncp == 0) return(as.numeric(if (upper.tail) q <= lo else q >= lo))
    if (ncp == Inf) return(as.numeric(if (upper.tail) q <= hi else q >= hi))
    sum(dnhyper(ncp)[if (upper.tail) support >= q else support <= q])
  }
  root <- function(f, interval) uniroot(f, interval, tol = tol)$root
  d <- dnhyper(1)
  p.value <- sum(d[d <= d[x - lo + 1] * (1 + 1e-7)])
  mle <- if (x == lo) 0 else if (x == hi) Inf else {
    mu <- mnhyper(1)
    if (mu > x) root(function(t) mnhyper(t) - x, c(0, 1))
    else if (mu < x) 1 / root(function(t) mnhyper(1 / t) - x, c(.Machine$double.eps, 1))
    else 1
  }
  alpha <- (1 - conf.level) / 2
  upper <- if (x == hi) Inf else {
    p <- pnhyper(x, 1)
    if (p < alpha) root(function(t) pnhyper(x, t) - alpha, c(0, 1))
    else if (p > alpha) 1 / root(function(t) pnhyper(x, 1 / t) - alpha, c(.Machine$double.eps, 1))
    else 1
  }
  lower <- if (x == lo) 0 else {
    p <- pnhyper(x, 1, upper.tail = TRUE)
    if (p > alpha) root(function(t) pnhyper(x, t, upper.tail = TRUE) - alpha, c(0, 1))
    else if (p < alpha)
      1 / root(function(t) pnhyper(x, 1 / t, upper.tail = TRUE) - alpha, c(.Machine$double.eps, 1))
    else 1
  }
  list(estimate = mle, p.value = p.value, conf.low = lower, conf.high = upper)
}

# Minimum detectable difference (80% power, two-sided 5%): the smallest root
# d in (0, 1 - p_c) of the SPEC 6 equation, found on a grid and solved with
# uniroot to full precision; NULL when there is none.
mde <- function(nt, xc, nc) {
  pc <- xc / nc
  f <- function(d) {
    p1 <- pc + d
    pbar <- (nt * p1 + nc * pc) / (nt + nc)
    d - (Z975 * sqrt(pbar * (1 - pbar) * (1 / nt + 1 / nc)) +
           qnorm(0.8) * sqrt(p1 * (1 - p1) / nt + pc * (1 - pc) / nc))
  }
  top <- 1 - pc
  if (top <= 0) return(NULL)
  grid <- top * (1:1024) / 1024
  first <- which(vapply(grid, f, 0) >= 0)[1]
  if (is.na(first)) return(NULL)
  hi <- grid[first]
  lo <- if (first == 1) 0 else grid[first - 1]
  if (f(hi) == 0) return(hi)
  uniroot(f, c(lo, hi), tol = 1e-15)$root
}

# The rows every binary outcome has: proportions, then (two groups) risk
# difference, risk ratio, its E-values and Fisher's odds ratio.
binary_rows <- function(outcome, y, treated) {
  xt <- sum(y[treated] == 1); nt <- sum(treated)
  xc <- sum(y[!treated] == 1); nc <- sum(!treated)
  rows <- list(proportion_row(outcome, "proportion", GROUP_T, "", xt, nt))
  if (!TWO_GROUPS) return(rows)
  rows[[2]] <- proportion_row(outcome, "proportion", GROUP_C, "", xc, nc)
  n <- nt + nc; ev <- xt + xc
  contrast <- function(estimand, term = "", ...)
    est_row(outcome, estimand, GROUP_D, term, n, ev, ...)
  why <- binary_why(xt, nt, xc, nc)
  if (!is.null(why)) {
    return(c(rows, list(contrast("risk_difference", method = why),
                        contrast("risk_ratio", method = why),
                        contrast("e_value", "point", method = why),
                        contrast("e_value", "ci_limit", method = why),
                        contrast("odds_ratio", method = why))))
  }
  rd <- risk_difference(xt, nt, xc, nc)
  rows <- c(rows, list(contrast(
    "risk_difference", estimate = rd$estimate, statistic = rd$statistic,
    p.value = rd$p.value, conf.low = rd$conf.low, conf.high = rd$conf.high,
    method = paste("p_t - p_c; Newcombe hybrid score CI (method 10) from Wilson intervals;",
                   "X-squared and p from prop.test(c(x_t,x_c), c(n_t,n_c), correct=FALSE)"))))
  if (xt == 0 || xc == 0) {
    why <- not_computable("a group has no events, so the risk ratio is 0 or infinite")
    rows <- c(rows, list(contrast("risk_ratio", method = why),
                         contrast("e_value", "point", method = why),
                         contrast("e_value", "ci_limit", method = why)))
  } else {
    rr <- (xt / nt) / (xc / nc)
    half <- Z_RR * sqrt(1 / xt - 1 / nt + 1 / xc - 1 / nc)
    lo <- exp(log(rr) - half); hi <- exp(log(rr) + half)
    rows <- c(rows, list(
      contrast("risk_ratio", estimate = rr, p.value = rd$p.value, conf.low = lo, conf.high = hi,
               method = paste("p_t / p_c; CI exp(log RR +/- 1.959964 sqrt(1/x_t - 1/n_t + 1/x_c",
                              "- 1/n_c)); p from prop.test as risk_difference")),
      contrast("e_value", "point", estimate = e_value(rr),
               method = paste("E-value of the risk ratio (VanderWeele & Ding 2017):",
                              "RR* + sqrt(RR*(RR*-1)), RR* = max(RR, 1/RR)")),
      contrast("e_value", "ci_limit", estimate = e_value_ci(lo, hi),
               method = "E-value of the confidence limit nearer 1 (1 when the interval contains 1)")))
  }
  f <- fisher_exact(xt, nt, xc, nc)
  c(rows, list(contrast(
    "odds_ratio", estimate = f$estimate, p.value = f$p.value, conf.low = f$conf.low,
    conf.high = f$conf.high,
    method = paste("fisher.test(matrix(c(x_t, n_t-x_t, x_c, n_c-x_c), 2)) with its root finding",
                   "to full precision: conditional MLE, exact CI and p"))))
}

# ------------------------------------------------------------------------
# Covariates and regression helpers
# ------------------------------------------------------------------------

# The section 5 propensity covariates, with their dummies and reference
# levels (ethnic white, placement foster, legal care_order), in the column
# order of SPEC 6: aliasing is decided left to right, so the order matters.
PROPENSITY_COVARIATES <- c(
  "age_years", "male", "eth_mixed", "eth_asian", "eth_black", "eth_other", "eth_unknown",
  "uasc", "years_in_care", "prior_placements", "years_in_placement", "placements_before",
  "pg_kinship", "pg_residential", "pg_semi_independent", "pg_adoption", "pg_parents",
  "pg_other", "lg_s20", "lg_other", "cin_n1")

# The adjusted odds ratio's covariates (SPEC 6), after `treated`.
AOR_COVARIATES <- c(
  "age_years", "male", "years_in_care", "prior_placements", "years_in_placement",
  "placements_before", "pg_kinship", "pg_residential", "pg_semi_independent", "pg_adoption",
  "pg_parents", "pg_other", "lg_s20", "lg_other")

# The analysis rows with the dummy columns added and `treated` as 1/0.
with_dummies <- function(d) {
  d$treated <- as.numeric(d$group == GROUP_T)
  for (g in c("mixed", "asian", "black", "other", "unknown"))
    d[[paste0("eth_", g)]] <- as.numeric(d$ethnic_group == g)
  for (g in c("kinship", "residential", "semi_independent", "adoption", "parents", "other"))
    d[[paste0("pg_", g)]] <- as.numeric(d$placement_group == g)
  for (g in c("s20", "other"))
    d[[paste0("lg_", g)]] <- as.numeric(d$legal_group == g)
  d
}

# The columns of cols that are not constant over the rows of d.
varying <- function(d, cols) {
  cols[vapply(cols, function(v) length(unique(d[[v]])) > 1, TRUE)]
}

fit_formula <- function(y, cols) {
  as.formula(paste(y, "~", if (length(cols)) paste(cols, collapse = " + ") else "1"))
}

# A binomial glm as R's glm.fit runs it (start from (y + 1/2)/2, at most 25
# iterations, |d deviance| / (|deviance| + 0.1) < 1e-8); its warnings are
# kept out of the output (convergence is checked from the fit).
binomial_glm <- function(formula, data) {
  suppressWarnings(glm(formula, family = binomial, data = data))
}

# R's own test for fitted probabilities numerically 0 or 1 (glm.fit's warning).
separated <- function(fit) {
  eps <- 10 * .Machine$double.eps
  any(fitted(fit) > 1 - eps | fitted(fit) < eps)
}

# ------------------------------------------------------------------------
# Adjusted odds ratio (stable_12m)
# ------------------------------------------------------------------------

adjusted_odds_ratio_row <- function(outcome, d, yname, events) {
  rows <- d[!is.na(d[[yname]]) & complete.cases(d[, AOR_COVARIATES]), , drop = FALSE]
  row <- function(...) est_row(outcome, "adjusted_odds_ratio", GROUP_D, "", nrow(rows), events, ...)
  if (length(unique(rows$treated)) < 2)
    return(row(method = not_computable("treated is constant over the fitted rows")))
  cols <- varying(rows, AOR_COVARIATES)
  fit <- binomial_glm(fit_formula(yname, c("treated", cols)), rows)
  if (separated(fit))
    return(row(method = not_computable("separation (fitted probabilities 0 or 1)")))
  if (!fit$converged)
    return(row(method = not_computable("glm did not converge in 25 iterations")))
  if (is.na(coef(fit)["treated"]))
    return(row(method = not_computable("the treated term is aliased")))
  s <- summary(fit)$coefficients["treated", ]
  b <- s[["Estimate"]]; se <- s[["Std. Error"]]
  row(estimate = exp(b), std.error = se, statistic = s[["z value"]], p.value = s[["Pr(>|z|)"]],
      conf.low = exp(b - Z975 * se), conf.high = exp(b + Z975 * se),
      method = paste0("glm binomial: ", deparse1(fit_formula("y", c("treated", cols))),
                      "; exp(coef), exp(confint.default), Wald z and p; std.error on the ",
                      "log-odds scale"))
}

# ------------------------------------------------------------------------
# Adjusted effects: AIPW estimate of the ATT (SPEC 6, Glynn & Quinn 2010)
# ------------------------------------------------------------------------

# AIPW of outcome yname over the cohort d (treated rows first, then
# comparison, each by la and child).  binary: TRUE for a glm outcome model,
# FALSE for lm.  Returns a list with estimate, std.error, n, ess, the
# treated mean, a method text, or why (not computable).
aipw <- function(d, yname, binary) {
  f <- d[!is.na(d[[yname]]), , drop = FALSE]
  f <- f[order(f$treated == 0, f$la, f$child, method = "radix"), , drop = FALSE]
  n <- nrow(f); n1 <- sum(f$treated == 1); n0 <- n - n1
  out <- list(n = n)
  if (n1 < 2 || n0 < 2)
    return(c(out, why = not_computable("fewer than 2 treated or 2 comparison children")))
  comp <- f[f$treated == 0, , drop = FALSE]
  if (binary && length(unique(comp[[yname]])) < 2)
    return(c(out, why = not_computable("the outcome is constant over the comparison children")))
  # Propensity: glm(T ~ X, binomial) on the fitted rows, constant columns dropped.
  pcols <- varying(f, PROPENSITY_COVARIATES)
  pfit <- binomial_glm(fit_formula("treated", pcols), f)
  if (!pfit$converged)
    return(c(out, why = not_computable("the propensity glm did not converge in 25 iterations")))
  e <- unname(fitted(pfit))
  # Outcome model on the comparison rows only, columns constant there dropped.
  ocols <- varying(comp, PROPENSITY_COVARIATES)
  ofit <- if (binary) binomial_glm(fit_formula(yname, ocols), comp) else lm(fit_formula(yname, ocols), comp)
  if (binary && !ofit$converged)
    return(c(out, why = not_computable("the outcome glm did not converge in 25 iterations")))
  p <- sum(!is.na(coef(pfit))); q <- sum(!is.na(coef(ofit)))
  if (n - p - q < 1)
    return(c(out, why = not_computable(sprintf("n - p - q = %d (too few rows for the models)", n - p - q))))
  if (any(e[f$treated == 0] > 1 - 1e-8))
    return(c(out, why = not_computable("groups do not overlap (a comparison child's propensity above 1 - 1e-8)")))
  # m0: the outcome model's prediction for every fitted row; an aliased
  # coefficient (NA) contributes 0, as predict() does for a rank-deficient fit.
  beta <- coef(ofit); beta[is.na(beta)] <- 0
  eta <- drop(cbind(1, as.matrix(f[, ocols, drop = FALSE])) %*% beta)
  m0 <- if (binary) plogis(eta) else eta
  T1 <- f$treated == 1
  y <- f[[yname]]; r <- y - m0
  w <- e / (1 - e)                      # odds weights for the comparison rows
  W <- sum(w[!T1])                      # Hajek normalisation
  A <- mean(r[T1])
  B <- sum(w[!T1] * r[!T1]) / W
  tau <- A - B
  phi <- ifelse(T1, (n / n1) * (r - A), -(n / W) * w * (r - B))
  se <- sqrt(sum(phi^2) / (n * (n - p - q)))
  ess <- W^2 / sum(w[!T1]^2)
  method <- sprintf(paste0(
    "AIPW ATT (SPEC 6): propensity %s on the fitted rows; outcome %s on comparison ",
    "rows (%d columns); influence-function SE with n - p - q = %d; normal z, p, CI; ",
    "comparison-weight ESS %.1f of %d"),
    paste0("glm(", deparse1(fit_formula("T", pcols)), ", binomial)"),
    if (binary) "glm(y ~ X, binomial)" else "lm(y ~ X)", length(ocols), n - p - q, ess, n0)
  c(out, list(estimate = tau, std.error = se, ess = ess, mean_treated = mean(y[T1]),
              method = method))
}

# The row of an AIPW estimate (z, p and CI from the normal distribution).
aipw_row <- function(outcome, estimand, term, a, events) {
  if (!is.null(a$why))
    return(est_row(outcome, estimand, GROUP_D, term, a$n, events, method = a$why))
  z <- a$estimate / a$std.error
  est_row(outcome, estimand, GROUP_D, term, a$n, events, estimate = a$estimate,
          std.error = a$std.error, statistic = z, p.value = 2 * pnorm(-abs(z)),
          conf.low = a$estimate - Z975 * a$std.error, conf.high = a$estimate + Z975 * a$std.error,
          method = a$method)
}

# E-values of the adjusted risk difference: RR_a = p_t / (p_t - tau).
adjusted_e_value_rows <- function(outcome, a, events) {
  row <- function(term, ...) est_row(outcome, "adjusted_e_value", GROUP_D, term, a$n, events, ...)
  if (!is.null(a$why)) return(list(row("point", method = a$why), row("ci_limit", method = a$why)))
  pt <- a$mean_treated
  rr_of <- function(tau) if (pt - tau > 0 && pt - tau < 1) pt / (pt - tau) else NA
  rr <- rr_of(a$estimate)
  if (is.na(rr)) {
    why <- not_computable("p_t - tau is not between 0 and 1")
    return(list(row("point", method = why), row("ci_limit", method = why)))
  }
  lo <- a$estimate - Z975 * a$std.error; hi <- a$estimate + Z975 * a$std.error
  limit <- if (lo <= 0 && hi >= 0) NA else if (lo > 0) lo else hi
  ci <- if (is.na(limit)) 1 else if (is.na(rr_of(limit))) NA else e_value(rr_of(limit))
  list(row("point", estimate = e_value(rr),
           method = "E-value of RR_a = p_t / (p_t - tau), p_t the treated fitted rows' mean, tau the adjusted risk difference"),
       if (is.na(ci)) row("ci_limit", method = not_computable("p_t - limit is not between 0 and 1"))
       else row("ci_limit", estimate = ci,
                method = "E-value of p_t / (p_t - limit), the limit of tau +/- z.975 SE nearer 0 (1 when the interval contains 0)"))
}

# ------------------------------------------------------------------------
# Subgroups and interaction tests (stable_12m, exploratory)
# ------------------------------------------------------------------------

# Each subgroup variable: its levels in order, and the level of every row.
SUBGROUPS <- list(
  age = list(levels = c("under_10", "10_plus"),
             of = function(d) ifelse(d$age_years < 10, "under_10", "10_plus")),
  sex = list(levels = c("female", "male"),
             of = function(d) ifelse(d$male == 1, "male", "female")),
  placement = list(levels = c("foster", "kinship", "residential", "other"),
                   of = function(d) ifelse(d$placement_group %in% c("foster", "kinship", "residential"),
                                           d$placement_group, "other")),
  legal = list(levels = c("care_order", "s20", "other"),
               of = function(d) ifelse(d$legal_group %in% c("care_order", "s20"),
                                       d$legal_group, "other")))

# anova(glm(y ~ treated + v), glm(y ~ treated * v), test = "LRT").
interaction_row <- function(outcome, name, rows, yname, present) {
  y <- rows[[yname]]
  row <- function(...) est_row(outcome, "interaction", GROUP_D, name, nrow(rows), sum(y == 1), ...)
  if (length(present) < 2) return(row(method = not_computable("fewer than two levels present")))
  if (sum(rows$treated == 1) < 2 || sum(rows$treated == 0) < 2)
    return(row(method = not_computable("fewer than 2 children in a group")))
  if (all(y == 0) || all(y == 1)) return(row(method = not_computable("no events or all events")))
  rows$v <- factor(rows$sub, levels = present)
  m0 <- binomial_glm(as.formula(paste(yname, "~ treated + v")), rows)
  m1 <- binomial_glm(as.formula(paste(yname, "~ treated * v")), rows)
  if (!m0$converged || !m1$converged)
    return(row(method = not_computable("a glm did not converge in 25 iterations")))
  a <- anova(m0, m1, test = "LRT")
  if (a$Df[2] < 1) return(row(method = not_computable("0 degrees of freedom")))
  row(statistic = a$Deviance[2], p.value = a[["Pr(>Chi)"]][2],
      method = sprintf(paste0("anova(glm(y ~ treated + v, binomial), glm(y ~ treated * v, binomial), ",
                              "test=\"LRT\"), v = %s (levels present: %s): deviance difference and ",
                              "chi-square p (df %d)"), name, paste(present, collapse = ", "), a$Df[2]))
}

subgroup_rows <- function(outcome, d, yname) {
  known <- d[!is.na(d[[yname]]), , drop = FALSE]
  rows <- list()
  for (name in names(SUBGROUPS)) {
    s <- SUBGROUPS[[name]]
    known$sub <- s$of(known)
    for (level in s$levels) {
      k <- known[known$sub == level, , drop = FALSE]
      y <- k[[yname]]; t <- k$treated == 1
      xt <- sum(y[t] == 1); nt <- sum(t); xc <- sum(y[!t] == 1); nc <- sum(!t)
      term <- paste0(name, ":", level)
      why <- binary_why(xt, nt, xc, nc)
      rows[[length(rows) + 1]] <- if (!is.null(why)) {
        est_row(outcome, "subgroup_risk_difference", GROUP_D, term, nt + nc, xt + xc, method = why)
      } else {
        rd <- risk_difference(xt, nt, xc, nc)
        est_row(outcome, "subgroup_risk_difference", GROUP_D, term, nt + nc, xt + xc,
                estimate = rd$estimate, statistic = rd$statistic, p.value = rd$p.value,
                conf.low = rd$conf.low, conf.high = rd$conf.high,
                method = "risk_difference within the level's rows: p_t - p_c; Newcombe CI; prop.test(correct=FALSE) X-squared and p")
      }
    }
    present <- s$levels[s$levels %in% known$sub]
    rows[[length(rows) + 1]] <- interaction_row(outcome, name, known, yname, present)
  }
  rows
}

# ------------------------------------------------------------------------
# t-based rows, medians, Wilcoxon
# ------------------------------------------------------------------------

# A t.test as a row: estimate, its standard error, t, p (H0: 0) and CI.
t_row <- function(outcome, estimand, group, term, n, test, method, why_small) {
  if (!is.null(why_small)) return(est_row(outcome, estimand, group, term, n, method = not_computable(why_small)))
  t <- tryCatch(test(), error = function(e) NULL)
  if (is.null(t))
    return(est_row(outcome, estimand, group, term, n,
                   method = not_computable("the data are constant, so the t statistic is undefined")))
  est <- if (length(t$estimate) == 2) t$estimate[[1]] - t$estimate[[2]] else t$estimate[[1]]
  est_row(outcome, estimand, group, term, n, estimate = est, std.error = t$stderr,
          statistic = unname(t$statistic), p.value = t$p.value, conf.low = t$conf.int[1],
          conf.high = t$conf.int[2], method = method)
}

mean_row <- function(outcome, group, term, x) {
  x <- x[!is.na(x)]
  t_row(outcome, "mean", group, term, length(x), function() t.test(x), "mean; t.test(x)",
        if (length(x) < 2) "fewer than 2 children with the outcome")
}

median_row <- function(outcome, group, term, x) {
  x <- x[!is.na(x)]
  if (length(x) < 2)
    return(est_row(outcome, "median", group, term, length(x),
                   method = not_computable("fewer than 2 children with the outcome")))
  est_row(outcome, "median", group, term, length(x), estimate = median(x), method = "median(x)")
}

# Paired t test of after against before, over the pairs with both known.
paired_row <- function(outcome, group, term, after, before, method) {
  ok <- !is.na(after) & !is.na(before)
  a <- after[ok]; b <- before[ok]
  t_row(outcome, "mean_change", group, term, sum(ok), function() t.test(a, b, paired = TRUE),
        method, if (sum(ok) < 2) "fewer than 2 children with the outcome")
}

# Welch t test of the treated changes against the comparison changes.
did_row <- function(outcome, term, after, before, treated, method) {
  ok <- !is.na(after) & !is.na(before)
  ct <- (after - before)[ok & treated]; cc <- (after - before)[ok & !treated]
  t_row(outcome, "difference_in_differences", GROUP_D, term, length(ct) + length(cc),
        function() t.test(ct, cc), method,
        if (min(length(ct), length(cc)) < 2) "fewer than 2 children with the outcome in a group")
}

# ------------------------------------------------------------------------
# Mixed model (sdq)
# ------------------------------------------------------------------------

# lmer to the exact REML optimum: lme4's default optimiser stops at about
# 1e-7 in theta, so the fit is refined with tight nloptwrap tolerances.
REML_CONTROL <- lmerControl(optimizer = "nloptwrap",
                            optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15,
                                           xtol_rel = 1e-14, ftol_rel = 1e-15, maxeval = 10000),
                            calc.derivs = FALSE)

mixed_model_rows <- function(d) {
  long <- do.call(rbind, lapply(0:3, function(k) {
    data.frame(child = paste(d$la, d$child), treated = d$treated, years = rep(k, nrow(d)),
               sdq = d[[paste0("sdq_", k)]], stringsAsFactors = FALSE)
  }))
  if (!TWO_GROUPS) long <- long[long$treated == 1, , drop = FALSE]
  long <- long[!is.na(long$sdq), , drop = FALSE]
  children <- length(unique(long$child))
  group <- if (TWO_GROUPS) GROUP_D else GROUP_T
  terms <- if (TWO_GROUPS) c("years", "years:treated") else "years"
  formula <- if (TWO_GROUPS) sdq ~ years * treated + (1 | child) else sdq ~ years + (1 | child)
  method <- paste0("lme4::lmer(", deparse1(formula), ", REML=TRUE) on all non-missing sdq_k ",
                   "(years = k), REML optimum to full precision; normal p and CI; n = children")
  rows_with <- function(why) lapply(terms, function(tm) est_row("sdq", "mixed_model", group, tm,
                                                                 children, method = why))
  per_group <- tapply(long$child, long$treated, function(x) length(unique(x)))
  nt <- if ("1" %in% names(per_group)) per_group[["1"]] else 0
  nc <- if ("0" %in% names(per_group)) per_group[["0"]] else 0
  if (nt < 2 || (TWO_GROUPS && nc < 2))
    return(rows_with(not_computable("fewer than 2 children with an SDQ score in a group")))
  fit <- tryCatch(lmer(formula, data = long, REML = TRUE, control = REML_CONTROL),
                  error = function(e) NULL)
  if (is.null(fit))
    return(rows_with(not_computable("too few observations or clusters for the model")))
  if (isSingular(fit, tol = 1e-4))
    return(rows_with(not_computable("singular fit (random-intercept SD / residual SD < 1e-4, isSingular)")))
  b <- fixef(fit); se <- sqrt(diag(as.matrix(vcov(fit))))
  lapply(terms, function(tm) {
    z <- b[[tm]] / se[[tm]]
    est_row("sdq", "mixed_model", group, tm, children, estimate = b[[tm]], std.error = se[[tm]],
            statistic = z, p.value = 2 * pnorm(-abs(z)), conf.low = b[[tm]] - Z975 * se[[tm]],
            conf.high = b[[tm]] + Z975 * se[[tm]], method = method)
  })
}

# SDQ bands by informant (SPEC 6): normal up to the first limit, borderline
# up to the second, high above.
band_limits <- function() {
  switch(SDQ_SOURCE, "items:T" = c(11, 15), "items:S" = c(15, 19), c(13, 16))
}

band_rows <- function(group, d) {
  lim <- band_limits()
  times <- c("baseline", "year1", "year2", "year3")
  rows <- list()
  for (k in 0:3) {
    s <- d[[paste0("sdq_", k)]]; s <- s[!is.na(s)]
    counts <- c(normal = sum(s <= lim[1]), borderline = sum(s > lim[1] & s <= lim[2]),
                high = sum(s > lim[2]))
    for (band in names(counts))
      rows[[length(rows) + 1]] <- proportion_row("sdq", "band_proportion", group,
                                                 paste0(band, "@", times[k + 1]), counts[[band]],
                                                 length(s), "share in band; Wilson CI prop.test(correct=FALSE)")
  }
  rows
}

# ------------------------------------------------------------------------
# Kaplan-Meier, log-rank, Cox (homelessness)
# ------------------------------------------------------------------------

KM_METHOD <- "survfit(Surv(homeless_time, homeless_event) ~ group), log CI; S(age); events = events at ages <= term"

km_rows <- function(group, leavers) {
  fit <- if (nrow(leavers) >= 2) survfit(Surv(homeless_time, homeless_event) ~ 1, data = leavers,
                                           conf.type = "log")
  lapply(18:21, function(age) {
    ev <- sum(leavers$homeless_event == 1 & leavers$homeless_time <= age)
    row <- function(...) est_row("homelessness", "km_survival", group, paste0("age", age),
                                 nrow(leavers), ev, ...)
    if (is.null(fit)) return(row(method = not_computable("fewer than 2 care leavers in the group")))
    if (age > max(leavers$homeless_time))
      return(row(method = not_computable(sprintf("age %d is after the group's last observed time", age))))
    s <- summary(fit, times = age)
    row(estimate = s$surv, std.error = s$std.err, conf.low = s$lower, conf.high = s$upper,
        method = KM_METHOD)
  })
}

survival_contrast_rows <- function(leavers) {
  n <- nrow(leavers); ev <- sum(leavers$homeless_event == 1)
  t <- leavers$treated == 1
  ev_t <- sum(leavers$homeless_event[t] == 1); ev_c <- ev - ev_t
  row <- function(estimand, ...) est_row("homelessness", estimand, GROUP_D, "", n, ev, ...)
  why <- if (sum(t) < 2 || sum(!t) < 2) not_computable("fewer than 2 care leavers in a group")
         else if (ev == 0) not_computable("no events")
  if (!is.null(why)) return(list(row("log_rank", method = why), row("hazard_ratio", method = why)))
  lr <- survdiff(Surv(homeless_time, homeless_event) ~ treated, data = leavers)
  out <- list(row("log_rank", statistic = lr$chisq,
                  p.value = pchisq(lr$chisq, df = 1, lower.tail = FALSE),
                  method = "survdiff: chi-square (df 1) and p"))
  if (ev_t == 0 || ev_c == 0)
    return(c(out, list(row("hazard_ratio", method = not_computable(
      "a group has no events (the hazard ratio would be 0 or infinite)")))))
  cox <- coxph(Surv(homeless_time, homeless_event) ~ treated, data = leavers, ties = "efron")
  s <- summary(cox)$coefficients
  b <- s[1, "coef"]; se <- s[1, "se(coef)"]
  c(out, list(row("hazard_ratio", estimate = exp(b), std.error = se, statistic = s[1, "z"],
                  p.value = s[1, "Pr(>|z|)"], conf.low = exp(b - Z975 * se),
                  conf.high = exp(b + Z975 * se),
                  method = "coxph(Surv ~ treated, ties=\"efron\"): exp(coef), Wald CI and p; std.error of coef")))
}

# ------------------------------------------------------------------------
# One function per outcome, in the order of estimates.csv
# ------------------------------------------------------------------------

stable_12m_rows <- function(d) {
  y <- d$stable_12m; known <- !is.na(y)
  rows <- binary_rows("stable_12m", y[known], d$treated[known] == 1)
  if (!TWO_GROUPS) return(rows)
  events <- sum(y[known] == 1)
  a <- aipw(d, "stable_12m", binary = TRUE)
  # The adjusted odds ratio and the mde share the crude contrast's reasons.
  xt <- sum(y[known & d$treated == 1] == 1); nt <- sum(known & d$treated == 1)
  xc <- sum(y[known & d$treated == 0] == 1); nc <- sum(known & d$treated == 0)
  why <- binary_why(xt, nt, xc, nc)
  aor <- if (is.null(why)) adjusted_odds_ratio_row("stable_12m", d, "stable_12m", events)
         else est_row("stable_12m", "adjusted_odds_ratio", GROUP_D, "", nt + nc, events, method = why)
  d_mde <- if (is.null(why)) mde(nt, xc, nc)
  mde_row <- est_row("stable_12m", "mde", GROUP_D, "", nt + nc, events,
                     estimate = if (is.null(d_mde)) NA else d_mde,
                     method = if (!is.null(why)) why else if (is.null(d_mde))
                       not_computable("no detectable difference below 1 - p_c") else
                       paste("minimum detectable difference, 80% power, two-sided 5%: smallest",
                             "d = p1 - p_c > 0 with d = z_.975 sqrt(pbar(1-pbar)(1/n_t+1/n_c)) +",
                             "z_.8 sqrt(p1(1-p1)/n_t + p_c(1-p_c)/n_c), pbar = (n_t p1 + n_c p_c)/(n_t+n_c); uniroot"))
  c(rows, list(aor, mde_row, aipw_row("stable_12m", "adjusted_risk_difference", "", a, events)),
    adjusted_e_value_rows("stable_12m", a, events), subgroup_rows("stable_12m", d, "stable_12m"))
}

homeless_ever_rows <- function(d) {
  known <- !is.na(d$homeless_ever)
  binary_rows("homeless_ever", d$homeless_ever[known], d$treated[known] == 1)
}

placements_rows <- function(d) {
  rows <- list()
  for (g in if (TWO_GROUPS) c(GROUP_T, GROUP_C) else GROUP_T) {
    s <- d[d$group == g, , drop = FALSE]
    rows <- c(rows, list(mean_row("placements", g, "before", s$placements_before),
                         mean_row("placements", g, "after", s$placements_after),
                         paired_row("placements", g, "", s$placements_after, s$placements_before,
                                    "t.test(after, before, paired=TRUE)")))
  }
  if (!TWO_GROUPS) return(rows)
  c(rows, list(did_row("placements", "", d$placements_after, d$placements_before, d$treated == 1,
                       "Welch t.test(change_t, change_c), change = after - before"),
               aipw_row("placements", "adjusted_difference", "after",
                        aipw(d, "placements_after", binary = FALSE), NA)))
}

sdq_rows <- function(d) {
  times <- c("baseline", "year1", "year2", "year3")
  rows <- list()
  for (g in if (TWO_GROUPS) c(GROUP_T, GROUP_C) else GROUP_T) {
    s <- d[d$group == g, , drop = FALSE]
    for (k in 0:3) rows <- c(rows, list(mean_row("sdq", g, times[k + 1], s[[paste0("sdq_", k)]])))
    for (k in c(1, 3))
      rows <- c(rows, list(paired_row("sdq", g, times[k + 1], s[[paste0("sdq_", k)]], s$sdq_0,
                                      "t.test(sdq_k, sdq_0, paired=TRUE)")))
  }
  if (TWO_GROUPS)
    rows <- c(rows, list(did_row("sdq", "year1", d$sdq_1, d$sdq_0, d$treated == 1,
                                 "Welch t.test(change_t, change_c), change = sdq_1 - sdq_0")))
  rows <- c(rows, mixed_model_rows(d))
  for (g in if (TWO_GROUPS) c(GROUP_T, GROUP_C) else GROUP_T)
    rows <- c(rows, band_rows(g, d[d$group == g, , drop = FALSE]))
  rows
}

identity_rows <- function(d) {
  y <- d$identity_improved[d$group == GROUP_T]; y <- y[!is.na(y)]
  list(proportion_row("identity_improved", "proportion", GROUP_T, "", sum(y == 1), length(y)))
}

connections_rows <- function(d) {
  s <- d[d$group == GROUP_T, , drop = FALSE]
  ok <- !is.na(s$connections_after) & !is.na(s$connections_before)
  diffs <- (s$connections_after - s$connections_before)[ok]
  wilcoxon <- if (sum(ok) < 2) {
    est_row("connections", "wilcoxon_signed_rank", GROUP_T, "", sum(ok),
            method = not_computable("fewer than 2 pairs"))
  } else if (all(diffs == 0)) {
    est_row("connections", "wilcoxon_signed_rank", GROUP_T, "", sum(ok),
            method = not_computable("every difference is zero"))
  } else {
    w <- wilcox.test(s$connections_after[ok], s$connections_before[ok], paired = TRUE,
                     exact = FALSE, correct = TRUE)
    est_row("connections", "wilcoxon_signed_rank", GROUP_T, "", sum(ok),
            statistic = unname(w$statistic), p.value = w$p.value,
            method = "wilcox.test(after, before, paired=TRUE, exact=FALSE, correct=TRUE): V and p")
  }
  list(mean_row("connections", GROUP_T, "before", s$connections_before),
       median_row("connections", GROUP_T, "before", s$connections_before),
       mean_row("connections", GROUP_T, "after", s$connections_after),
       median_row("connections", GROUP_T, "after", s$connections_after),
       paired_row("connections", GROUP_T, "", s$connections_after, s$connections_before,
                  "t.test(after, before, paired=TRUE)"),
       wilcoxon)
}

homelessness_rows <- function(d) {
  leavers <- d[!is.na(d$homeless_time) & !is.na(d$homeless_event), , drop = FALSE]
  rows <- km_rows(GROUP_T, leavers[leavers$treated == 1, , drop = FALSE])
  if (!TWO_GROUPS) return(rows)
  c(rows, km_rows(GROUP_C, leavers[leavers$treated == 0, , drop = FALSE]),
    survival_contrast_rows(leavers))
}

# ------------------------------------------------------------------------
# Writing estimates_R.csv
# ------------------------------------------------------------------------

# Numbers in the shortest form that reads back to the same double; NA empty.
format_number <- function(x) {
  vapply(x, function(v) {
    if (is.na(v)) return("")
    if (is.infinite(v)) return(if (v > 0) "Inf" else "-Inf")
    for (digits in 15:17) {
      s <- sprintf("%.*g", digits, v)
      if (as.numeric(s) == v) return(s)
    }
    s
  }, "")
}

csv_field <- function(s) {
  ifelse(grepl("[\",\r\n]", s), paste0("\"", gsub("\"", "\"\"", s), "\""), s)
}

write_estimates <- function(est, path) {
  cells <- lapply(COLUMNS, function(col) {
    v <- est[[col]]
    if (is.character(v)) csv_field(v)
    else if (col %in% c("n", "events")) ifelse(is.na(v), "", sprintf("%d", as.integer(v)))
    else format_number(v)
  })
  lines <- c(paste(COLUMNS, collapse = ","), do.call(paste, c(cells, sep = ",")))
  writeLines(lines, path, useBytes = TRUE)
}

main <- function() {
  dir <- script_dir()
  d <- with_dummies(read_analysis(file.path(dir, "analysis.csv")))
  d <- d[in_cohort(d), , drop = FALSE]
  rows <- c(stable_12m_rows(d), homeless_ever_rows(d), placements_rows(d), sdq_rows(d),
            identity_rows(d), connections_rows(d), homelessness_rows(d))
  est <- do.call(rbind, rows)
  out <- file.path(dir, "estimates_R.csv")
  write_estimates(est, out)
  cat(sprintf("analysis.R: %d rows written to %s\n", nrow(est), out))
}

main()
