//! A private HOME for running the real helmfile as an oracle: helm's config,
//! cache and plugin directories inside it, and a stand-in for the helm-secrets
//! plugin (which cannot be installed here) that decrypts with the real sops.

use std::path::{Path, PathBuf};

/// The directory, removed when dropped.
pub struct HelmfileHome {
    dir: tempfile::TempDir,
    sops: PathBuf,
}

impl HelmfileHome {
    /// A new HOME whose `secrets` plugin runs `sops decrypt`.
    pub fn new(sops: &Path) -> HelmfileHome {
        let dir = tempfile::tempdir().expect("temporary HOME");
        let plugin = dir.path().join("plugins/secrets");
        std::fs::create_dir_all(&plugin).expect("plugin dir");
        std::fs::write(
            plugin.join("plugin.yaml"),
            "name: secrets\nversion: 4.6.0\nusage: test stand-in\ndescription: decrypts with the real sops\ncommand: \"$HELM_PLUGIN_DIR/run.sh\"\n",
        )
        .expect("plugin.yaml");
        let script = plugin.join("run.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\n[ \"$1\" = decrypt ] || exit 1\nexec \"$STANDIN_SOPS\" decrypt \"$2\"\n",
        )
        .expect("run.sh");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
        }
        HelmfileHome {
            dir,
            sops: sops.to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The environment helmfile and its helm should run with.
    pub fn env(&self) -> Vec<(&'static str, PathBuf)> {
        let home = self.dir.path();
        vec![
            ("HOME", home.to_path_buf()),
            ("HELM_PLUGINS", home.join("plugins")),
            ("HELM_CONFIG_HOME", home.join("config")),
            ("HELM_CACHE_HOME", home.join("cache")),
            ("HELM_DATA_HOME", home.join("data")),
            ("STANDIN_SOPS", self.sops.clone()),
        ]
    }
}
