# Compares two estimates.csv files within SPEC section 6's tolerances.
#
#   Rscript scripts/compare-estimates.R REFERENCE CANDIDATE [--subset]
#
# Rows are keyed on (outcome, estimand, group, term).  Every row of REFERENCE
# must be in CANDIDATE, in the same relative order, with the same n and
# events, and each number cell either empty in both or filled in both and
# within tolerance: relative 1e-6 (p.value: absolute 1e-8 or relative 1e-6).
# A value that is 0 in exact arithmetic can come out as 1e-17 on one side,
# so two numbers within 1e-12 of each other also agree.  Without --subset the
# two files must hold the same rows; with --subset CANDIDATE may hold more
# (make check-r: the R script writes every row of SPEC 6, the C program on
# a branch may write fewer).  `method` is free text and not compared.
# Prints one line per difference and a summary; exits 1 on any difference.

args <- commandArgs(trailingOnly = TRUE)
subset <- "--subset" %in% args
files <- setdiff(args, "--subset")
if (length(files) != 2) {
  cat("usage: Rscript compare-estimates.R REFERENCE CANDIDATE [--subset]\n", file = stderr())
  quit(status = 2)
}

read_est <- function(path) {
  d <- read.csv(path, colClasses = "character", na.strings = character(0))
  d$key <- paste(d$outcome, d$estimand, d$group, d$term, sep = "|")
  if (anyDuplicated(d$key)) stop(path, ": duplicate row ", d$key[anyDuplicated(d$key)])
  d
}

ref <- read_est(files[1])
cand <- read_est(files[2])
NUMBERS <- c("estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high")
problems <- character(0)
problem <- function(...) problems <<- c(problems, sprintf(...))

agree <- function(a, b, pvalue) {
  if (a == b) return(TRUE)
  if (!is.finite(a) || !is.finite(b)) return(FALSE)
  d <- abs(a - b)
  d <= 1e-6 * max(abs(a), abs(b)) || d <= 1e-12 || (pvalue && d <= 1e-8)
}

pos <- match(ref$key, cand$key)
for (i in seq_len(nrow(ref))) {
  k <- ref$key[i]
  j <- pos[i]
  if (is.na(j)) { problem("missing row %s", k); next }
  for (col in c("n", "events"))
    if (ref[[col]][i] != cand[[col]][j])
      problem("%s: %s %s vs %s", k, col, ref[[col]][i], cand[[col]][j])
  for (col in NUMBERS) {
    a <- ref[[col]][i]; b <- cand[[col]][j]
    if (a == "" && b == "") next
    if (a == "" || b == "") {
      problem("%s: %s '%s' vs '%s' (one side empty)", k, col, a, b)
      next
    }
    if (!agree(as.numeric(a), as.numeric(b), col == "p.value"))
      problem("%s: %s %s vs %s (relative difference %.3g)", k, col, a, b,
              abs(as.numeric(a) - as.numeric(b)) / max(abs(as.numeric(a)), abs(as.numeric(b))))
  }
}
found <- pos[!is.na(pos)]
if (is.unsorted(found)) problem("the rows are not in the same order")
extra <- setdiff(cand$key, ref$key)
if (!subset && length(extra)) problem("extra row %s", extra)

for (p in problems) cat(p, "\n", sep = "")
cat(sprintf("compare-estimates: %s vs %s: %d of %d reference rows matched%s; %d difference(s)\n",
            files[1], files[2], sum(!is.na(pos)), nrow(ref),
            if (length(extra)) sprintf(" (%d further candidate rows not in the reference)", length(extra)) else "",
            length(problems)))
quit(status = if (length(problems)) 1 else 0)
