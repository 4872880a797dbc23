//! Chart loading from archives and directories: Helm's checks and limits, and the
//! unsafe archives berth refuses. Real charts come from `../shared/corpus` when present.

use std::io::Write;
use std::path::{Path, PathBuf};

use chart::archive::load_archive_files;
use chart::directory::load_dir_files;
use chart::{Chart, HelmVersion, LoadError};

enum Entry<'a> {
    File(&'a str, Vec<u8>),
    Symlink(&'a str, &'a str),
    HardLink(&'a str, &'a str),
    Fifo(&'a str),
}

/// Builds a gzipped tar archive; names are written raw, so hostile paths survive.
fn archive(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        let (name, data): (&str, &[u8]) = match entry {
            Entry::File(name, data) => {
                header.set_entry_type(tar::EntryType::Regular);
                (name, data)
            }
            Entry::Symlink(name, target) | Entry::HardLink(name, target) => {
                let kind = if matches!(entry, Entry::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                };
                header.set_entry_type(kind);
                header.set_link_name(target).unwrap();
                (name, &[])
            }
            Entry::Fifo(name) => {
                header.set_entry_type(tar::EntryType::Fifo);
                (name, &[])
            }
        };
        let gnu = header.as_gnu_mut().unwrap();
        gnu.name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn load(entries: &[Entry]) -> Result<Vec<chart::ChartFile>, LoadError> {
    load_archive_files(archive(entries).as_slice())
}

fn chart_yaml() -> Entry<'static> {
    Entry::File(
        "mychart/Chart.yaml",
        b"apiVersion: v2\nname: mychart\nversion: 0.1.0\n".to_vec(),
    )
}

#[test]
fn archives_lose_their_top_directory_and_bom() {
    let files = load(&[
        chart_yaml(),
        Entry::File(
            "mychart/templates/a.yaml",
            b"\xEF\xBB\xBFkind: A\n".to_vec(),
        ),
    ])
    .unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Chart.yaml", "templates/a.yaml"]);
    assert_eq!(&files[1].data().unwrap()[..], b"kind: A\n");
}

#[test]
fn hostile_paths_are_refused_with_helms_messages() {
    let err = |entries: &[Entry]| load(entries).unwrap_err().to_string();
    assert_eq!(
        err(&[Entry::File("mychart/../../etc/passwd", vec![])]),
        "chart illegally references parent directory"
    );
    assert_eq!(
        err(&[Entry::File("mychart//etc/passwd", vec![])]),
        "chart illegally contains absolute paths"
    );
    assert_eq!(
        err(&[Entry::File("mychart/a/..", vec![])]),
        "chart illegally contains content outside the base directory: \"mychart/a/..\""
    );
    assert_eq!(
        err(&[Entry::File("Chart.yaml", vec![])]),
        "chart illegally contains content outside the base directory: \"Chart.yaml\""
    );
    assert_eq!(
        err(&[Entry::File("mychart/c:/x", vec![])]),
        "chart contains illegally named files"
    );
}

#[test]
fn links_leaving_the_chart_and_special_files_are_refused() {
    let err = load(&[
        chart_yaml(),
        Entry::Symlink("mychart/templates/x.yaml", "../../../etc/passwd"),
    ])
    .unwrap_err();
    assert!(matches!(err, LoadError::LinkOutside { .. }), "{err}");
    let err = load(&[chart_yaml(), Entry::Symlink("mychart/x", "/etc/passwd")]).unwrap_err();
    assert!(matches!(err, LoadError::LinkOutside { .. }), "{err}");
    let err = load(&[
        chart_yaml(),
        Entry::HardLink("mychart/x", "other/../../secret"),
    ])
    .unwrap_err();
    assert!(matches!(err, LoadError::LinkOutside { .. }), "{err}");
    let err = load(&[chart_yaml(), Entry::Fifo("mychart/pipe")]).unwrap_err();
    assert!(matches!(err, LoadError::SpecialEntry(_)), "{err}");
    assert!(load(&[
        chart_yaml(),
        Entry::Symlink("mychart/templates/x.yaml", "../values.yaml")
    ])
    .is_ok());
}

#[test]
fn decompression_bombs_stop_at_helms_limits() {
    let big = vec![0u8; 5 * 1024 * 1024 + 1];
    let err = load(&[chart_yaml(), Entry::File("mychart/big", big)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "decompressed chart file \"mychart/big\" is larger than the maximum file size 5242880"
    );
    let chunk = vec![0u8; 5 * 1024 * 1024];
    let names: Vec<String> = (0..21).map(|i| format!("mychart/f{i}")).collect();
    let entries: Vec<Entry> = names
        .iter()
        .map(|n| Entry::File(n, chunk.clone()))
        .collect();
    let err = load(&entries).unwrap_err();
    assert_eq!(
        err.to_string(),
        "decompressed chart is larger than the maximum size 104857600"
    );
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(load_archive_files(&b"not gzip at all"[..]).is_err());
    assert!(matches!(load(&[]), Err(LoadError::EmptyArchive)));
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("berth-chart-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn directories_apply_helmignore_and_refuse_escaping_links() {
    let dir = scratch_dir("ignore");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("ci")).unwrap();
    std::fs::write(dir.join(".helmignore"), "ci/\n*.bak\n").unwrap();
    std::fs::write(dir.join("Chart.yaml"), "name: x\n").unwrap();
    std::fs::write(dir.join("values.bak"), "").unwrap();
    std::fs::write(dir.join("ci/test.yaml"), "").unwrap();
    std::fs::write(dir.join("templates/.hidden"), "").unwrap();
    std::fs::write(dir.join("templates/a.yaml"), "a").unwrap();
    let names: Vec<String> = load_dir_files(&dir)
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, [".helmignore", "Chart.yaml", "templates/a.yaml"]);

    // Links that stay inside the chart are followed, to files and to directories
    // (Helm's default rule hides dot files under `templates/` only, by path).
    std::os::unix::fs::symlink(dir.join("templates/a.yaml"), dir.join("linked.yaml")).unwrap();
    std::os::unix::fs::symlink(dir.join("templates"), dir.join("more")).unwrap();
    let files = load_dir_files(&dir).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            ".helmignore",
            "Chart.yaml",
            "linked.yaml",
            "more/.hidden",
            "more/a.yaml",
            "templates/a.yaml"
        ]
    );
    assert_eq!(&files[2].data().unwrap()[..], b"a");

    let outside = scratch_dir("outside");
    std::fs::write(outside.join("secret"), "s").unwrap();
    std::os::unix::fs::symlink(outside.join("secret"), dir.join("templates/leak.yaml")).unwrap();
    let err = load_dir_files(&dir).unwrap_err();
    assert!(matches!(err, LoadError::SymlinkOutside { .. }), "{err}");
}

#[test]
fn directory_files_over_helms_limit_are_refused() {
    let limit = 5 * 1024 * 1024;
    let sparse = |path: PathBuf, len: u64| {
        std::fs::File::create(path).unwrap().set_len(len).unwrap();
    };
    let dir = scratch_dir("large");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::create_dir_all(dir.join("files")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "name: x
",
    )
    .unwrap();
    sparse(dir.join("templates/at-limit.yaml"), limit);
    sparse(dir.join("files/at-limit.bin"), limit);
    let files = load_dir_files(&dir).unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[2].data().unwrap().len() as u64, limit);

    // A file read only on demand is refused as one read at once, and the
    // first file over the limit in path order is the one named, by its base
    // name as Helm names it.
    sparse(dir.join("templates/z.yaml"), limit + 1);
    sparse(dir.join("files/big.bin"), limit + 1);
    let err = load_dir_files(&dir).unwrap_err();
    assert_eq!(
        err.to_string(),
        "chart file \"big.bin\" is larger than the maximum file size 5242880"
    );
    std::fs::remove_file(dir.join("files/big.bin")).unwrap();
    let err = load_dir_files(&dir).unwrap_err();
    assert_eq!(
        err.to_string(),
        "chart file \"z.yaml\" is larger than the maximum file size 5242880"
    );
}

#[test]
fn every_corpus_chart_directory_loads() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/charts");
    if !corpus.is_dir() {
        println!(
            "notice: {} is absent; skipping the corpus load test",
            corpus.display()
        );
        return;
    }
    let mut count = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        let files = load_dir_files(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            files.iter().any(|f| f.name == "Chart.yaml"),
            "{}: no Chart.yaml",
            path.display()
        );
        for helm in [HelmVersion::Helm3, HelmVersion::Helm4] {
            let chart = Chart::load(&path, helm)
                .unwrap_or_else(|e| panic!("{} ({helm:?}): {e}", path.display()));
            assert!(!chart.name().is_empty());
            let packaged_subcharts = files
                .iter()
                .filter_map(|f| f.name.strip_prefix("charts/"))
                .filter_map(|rest| rest.split('/').next())
                .filter(|name| !name.starts_with(['_', '.']) && !name.ends_with(".prov"))
                .collect::<std::collections::BTreeSet<_>>();
            assert_eq!(
                chart.dependencies.len(),
                packaged_subcharts.len(),
                "{}",
                path.display()
            );
        }
        count += 1;
    }
    assert!(count >= 100, "only {count} corpus charts");
}
