# Reference for workers/stats/nomogram.ts: rms::nomogram on reference A's nomogram model.
#
#   Rscript scripts/stats-reference/rms-nomogram.R > workers/stats/fixtures/rms-nomogram-reference-A.json
#
# (Debian: r-base-core, r-cran-rms, r-cran-jsonlite.) The model is the study's nomogram,
# y ~ radscore + tic (tic a factor, type I the reference), fitted by rms::lrm on reference A's
# training patients with the rad-score R's glmnet gave them (../shared/fixtures/stats). The
# test feeds lrm's own coefficients to nomogramScales, so it checks the drawing (axes,
# points, total points, probability axis), not the fit.
suppressMessages({
  library(jsonlite)
  library(rms)
})
d <- fromJSON("../shared/fixtures/stats/reference-A.json")
p <- as.data.frame(d$inputs$patients)
train <- p[p$split == "train", ]
train$radscore <- d$expected$radscore$train
train$y <- train$her2_low
train$tic <- factor(train$tic_type, levels = 1:3)
dd <- datadist(train)
options(datadist = "dd")
f <- lrm(y ~ radscore + tic, data = train)
nom <- nomogram(f, fun = plogis, maxscale = 100, nint = 10)
b <- coef(f)
# numbers with all 17 significant digits (jsonlite writes at most 15)
num <- function(x, vector = length(x) != 1) {
  v <- sprintf("%.17g", unname(as.numeric(x)))
  structure(if (vector) paste0("[", paste(v, collapse = ", "), "]") else v, class = "json")
}
out <- list(
  about = "rms::nomogram(lrm(y ~ radscore + tic), fun = plogis, maxscale = 100, nint = 10) on reference A's training set; written by scripts/stats-reference/rms-nomogram.R",
  rms_version = as.character(packageVersion("rms")),
  coefficients = list(intercept = num(b["Intercept"]), radscore = num(b["radscore"]), tic2 = num(b["tic=2"]), tic3 = num(b["tic=3"])),
  radscore_train = num(train$radscore, TRUE),
  points_per_lp = num(attr(nom, "info")$sc),
  radscore = list(x = num(nom$radscore$radscore, TRUE), points = num(nom$radscore$points, TRUE)),
  tic = list(levels = num(nom$tic$tic, TRUE), points = num(nom$tic$points, TRUE)),
  total_points = num(nom$total.points$x, TRUE),
  probability = list(x = num(nom[["Predicted Value"]]$x, TRUE), probability = num(nom[["Predicted Value"]]$x.real, TRUE)),
  lp_axis = list(x = num(nom$lp$x, TRUE), lp = num(nom$lp$x.real, TRUE))
)
cat(toJSON(out, auto_unbox = TRUE, pretty = TRUE, json_verbatim = TRUE), "\n")
