# MODEL.json's split and folds, given back to R: cv.glmnet on the training patients of
# provenance.split_ids with lasso.foldid reproduces the model's cross-validation.
#
#   Rscript scripts/stats-reference/cv-glmnet-foldid.R MODEL.json features.csv clinical.csv
#
# (Debian: r-base-core, r-cran-glmnet, r-cran-jsonlite.) The LASSO inputs are the features of
# lasso.features, z-scored with the training mean and SD (n - 1), standardize = FALSE, and
# glmnet's thresh and maxit as her2 fit's defaults (lasso_thresh 1e-14, lasso_maxit 1e7); each
# fold fits its own lambda path (lasso_cv_lambdas: own, cv.glmnet's default). Prints the largest
# differences from MODEL.json's lambda, cvm and cvsd, and both lambda.min / lambda.1se.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: cv-glmnet-foldid.R MODEL.json features.csv clinical.csv")
m <- jsonlite::fromJSON(args[1])
feat <- read.csv(args[2], check.names = FALSE, colClasses = c(id = "character"))
clin <- read.csv(args[3], colClasses = c(id = "character"))
ids <- m$provenance$split_ids$train
foldid <- unlist(m$lasso$foldid)[ids]
X <- as.matrix(feat[match(ids, feat$id), m$lasso$features])
x <- scale(X, center = colMeans(X), scale = apply(X, 2, sd))
y <- clin$label[match(ids, clin$id)]
cv <- glmnet::cv.glmnet(x, y, family = "binomial", foldid = foldid, standardize = FALSE,
                        thresh = m$config$lasso_thresh, maxit = m$config$lasso_maxit)
cat(sprintf("folds %s: K = %d, %d training patients\n", m$provenance$folds, max(foldid), length(ids)))
cat(sprintf("lambda: max relative difference %.3g\n", max(abs(cv$lambda - m$lasso$lambda) / m$lasso$lambda)))
cat(sprintf("cvm: max abs difference %.3g; cvsd: %.3g\n", max(abs(cv$cvm - m$lasso$cvm)), max(abs(cv$cvsd - m$lasso$cvsd))))
cat(sprintf("lambda.min R %.17g MODEL.json %.17g; lambda.1se R %.17g MODEL.json %.17g\n",
            cv$lambda.min, m$lasso$lambda_min, cv$lambda.1se, m$lasso$lambda_1se))
