//! Deployment repositories: helmfile state files rendered and read as helmfile does (work in progress).
