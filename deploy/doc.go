// Package deploy holds the deployment files (Kubernetes, Docker Compose) and, in its own Go
// module so the product's module stays lean, the tests that check them against the official
// Kubernetes API types and the repository's build.
package deploy
