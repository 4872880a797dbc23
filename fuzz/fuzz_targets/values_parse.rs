//! Fuzzes user values end to end: a values file read as Helm 4 and Helm 3 read it,
//! turned into template values, and coalesced with a chart's defaults (which
//! deletes on null, merges globals and tables). Errors are fine; panics are not.
#![no_main]

use chart::{Chart, ChartFile, HelmVersion};
use libfuzzer_sys::fuzz_target;

fn chart() -> Option<Chart> {
    let files = vec![
        ChartFile::new("Chart.yaml".into(), b"apiVersion: v2\nname: app\nversion: 1.0.0\n".to_vec()),
        ChartFile::new("values.yaml".into(), b"a: 1\nb:\n  c: [1, 2]\nglobal:\n  g: x\nsub:\n  d: true\n".to_vec()),
        ChartFile::new("charts/sub/Chart.yaml".into(), b"apiVersion: v2\nname: sub\nversion: 0.1.0\n".to_vec()),
        ChartFile::new("charts/sub/values.yaml".into(), b"d: false\ne: {f: g}\n".to_vec()),
    ];
    Chart::from_files(files, HelmVersion::Helm4).ok()
}

fuzz_target!(|input: &[u8]| {
    let Some(chart) = chart() else { return };
    let text = String::from_utf8_lossy(input);
    let maps = [
        goyaml::helm::load_values(&text).ok(),
        goyaml::helm::read_values(input).ok(),
    ];
    for map in maps.into_iter().flatten() {
        let user = chart::values::from_data(&goyaml::Data::Map(map));
        let mut warnings = Vec::new();
        let _ = chart::values::coalesce_values(&chart, &user, false, &mut warnings);
        let mut processed = chart.clone();
        let _ = chart::dependencies::process_dependencies(&mut processed, &user, &mut warnings);
    }
});
