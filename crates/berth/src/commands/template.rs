//! `berth template`: renders a chart and prints what `helm template` prints.

use std::path::Path;

use chart::strvals::{apply_set_flags, read_value_file, SetFlags};
use chart::{Chart, HelmVersion};
use gotmpl::Value;
use render::{
    parse_ahead_files, prepare_release, render_prepared, template_output, PreparedRelease,
    TemplateOptions,
};

use crate::cli::TemplateArgs;

pub fn run(args: &TemplateArgs) -> Result<(), String> {
    let helm = if args.helm3 {
        HelmVersion::Helm3
    } else {
        HelmVersion::Helm4
    };
    let mut files = Vec::new();
    for path in &args.values {
        let bytes = std::fs::read(path).map_err(|e| format!("open {}: {e}", path.display()))?;
        let parsed = match helm {
            HelmVersion::Helm4 => goyaml::helm::load_values(&String::from_utf8_lossy(&bytes))
                .map_err(|e| e.to_string()),
            HelmVersion::Helm3 => goyaml::helm::read_values(&bytes).map_err(|e| e.to_string()),
        };
        files.push(parsed.map_err(|e| format!("failed to parse {}: {e}", path.display()))?);
    }
    let values = set_flag_values(render::template::merge_value_files(&files), args, helm)?;
    let (Some(release_name), Some(chart_path)) = (&args.release, &args.chart) else {
        return Err("berth template needs both RELEASE and CHART".to_string());
    };
    let files = Chart::read_files(chart_path).map_err(|e| e.to_string())?;
    let opts = TemplateOptions {
        release_name: release_name.clone(),
        namespace: args
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        values,
        helm,
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        skip_schema_validation: args.skip_schema_validation,
        no_hooks: args.no_hooks,
        show_only: args.show_only.clone(),
    };
    // The templates parse while the chart is assembled from its files and the
    // release is prepared: neither needs the other until rendering.
    let (prepared, ahead) = rayon::join(
        || -> Result<(Chart, PreparedRelease), String> {
            let chart = Chart::from_files(files.clone(), helm).map_err(|e| e.to_string())?;
            let installable = matches!(chart.metadata.chart_type.as_str(), "" | "application");
            if chart.metadata.deprecated && installable {
                eprintln!("{}", deprecation_warning(helm));
            }
            let prepared = prepare_release(&chart, &opts).map_err(|e| e.to_string())?;
            Ok((chart, prepared))
        },
        || parse_ahead_files(&files, helm),
    );
    let (chart, prepared) = prepared?;
    let release = render_prepared(prepared, ahead, &opts).map_err(|e| e.to_string())?;
    let output = template_output(&release, &opts).map_err(|e| e.to_string())?;
    crate::commands::write_stdout(&output)?;
    crate::commands::leave_to_exit((chart, opts, release, output));
    Ok(())
}

/// The `--set` family written over the merged `-f` files, in Helm's order.
fn set_flag_values(files: Value, args: &TemplateArgs, helm: HelmVersion) -> Result<Value, String> {
    let Value::Map(base) = files else {
        return Ok(files);
    };
    let flags = SetFlags {
        json: args.set_json.clone(),
        values: args.set.clone(),
        strings: args.set_string.clone(),
        files: args.set_file.clone(),
        literals: args.set_literal.clone(),
    };
    let mut read = |path: &str| read_value_file(Path::new(""), path);
    apply_set_flags(&base, &flags, helm, &mut read)
        .map(Value::Map)
        .map_err(|e| e.to_string())
}

/// What each Helm prints on stderr when the chart is marked deprecated.
fn deprecation_warning(helm: HelmVersion) -> &'static str {
    match helm {
        HelmVersion::Helm4 => "level=WARN msg=\"this chart is deprecated\"",
        HelmVersion::Helm3 => "WARNING: This chart is deprecated",
    }
}
