# The statistics of SPEC section 6 in R on an lleval analysis.csv, timed by
# bench/run.sh for the ratio against lleval.  Usage: Rscript r_stats.R FILE
suppressPackageStartupMessages({ library(survival); library(lme4) })
a <- read.csv(commandArgs(TRUE)[1], colClasses = c(child = "character"))
a <- a[a$eligible == 1, ]
if ("match_id" %in% names(a)) a <- a[!is.na(a$match_id), ]
a$treated <- as.integer(a$group == "treated")
t0 <- Sys.time()
if (requireNamespace("MatchIt", quietly = TRUE)) {
  m <- MatchIt::matchit(treated ~ age_years + male + years_in_care + prior_placements +
                          years_in_placement + placements_before, data = a,
                        method = "nearest", caliper = 0.2, link = "linear.logit")
}
g <- glm(stable_12m ~ treated + age_years + male + years_in_care + prior_placements +
           years_in_placement + placements_before + placement_group + legal_group,
         family = binomial, data = a)
long <- do.call(rbind, lapply(0:3, function(k)
  data.frame(child = a$child, treated = a$treated, years = k, sdq = a[[paste0("sdq_", k)]])))
long <- long[!is.na(long$sdq), ]
if (nrow(long) > 0 && length(unique(long$treated)) > 1)
  l <- lmer(sdq ~ years * treated + (1 | child), data = long, REML = TRUE)
cl <- a[!is.na(a$homeless_time), ]
if (nrow(cl) > 0) {
  s <- summary(survfit(Surv(homeless_time, homeless_event) ~ group, data = cl), times = 18:21, extend = TRUE)
  if (length(unique(cl$treated)) > 1) {
    d <- survdiff(Surv(homeless_time, homeless_event) ~ group, data = cl)
    cx <- coxph(Surv(homeless_time, homeless_event) ~ treated, data = cl, ties = "efron")
  }
}
tt <- t.test(a$placements_after, a$placements_before, paired = TRUE)
cat(sprintf("R statistics on %d children: %.2f s\n", nrow(a), as.numeric(Sys.time() - t0, units = "secs")))
