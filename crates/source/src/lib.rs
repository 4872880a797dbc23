//! Chart sources: Helm repositories, OCI registries, local charts, the cache and offline bundles (work in progress).
