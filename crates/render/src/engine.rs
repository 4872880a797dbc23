//! The engine: every template of a chart and its subcharts parsed (ahead of
//! rendering, while the caller assembles the chart and prepares the values; a
//! file parsed under its path is renamed when it renders) into one set (deepest
//! paths first, so a parent's `define` wins), each non-partial file executed with its
//! chart's objects, in parallel when no template writes to shared data,
//! `<no value>` removed, and failures reported in Helm's words (Helm 4's
//! multi-line trace or Helm 3's single line).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chart::{Chart, ChartFile, HelmVersion};
use gotmpl::{
    ErrorSource, ExecError, Map, MissingKey, ParseError, ParsedFile, Templates, Value, WriteHold,
};

use crate::capabilities::Capabilities;
use crate::files::Files;
use crate::funcs::{helm_functions, template_functions, WARN_END, WARN_START};
use crate::manifests::{read_documents, Documents};
use crate::objects::{chart_value, template_value, values_type, ReleaseInfo};
use crate::retained::Retained;

/// Why rendering failed, as Helm prints it after `Error: `.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

/// One template file to execute: its full name, text, the objects it sees and
/// its `.Template.BasePath`.
struct Renderable {
    data: Arc<[u8]>,
    objects: Arc<Map>,
    base_path: String,
}

/// A rendered template file: its text and, unless it is a `NOTES.txt`, its
/// documents, read as the file rendered.
pub struct RenderedFile {
    pub text: String,
    pub documents: Documents,
}

/// Everything rendering needs besides the chart.
pub struct RenderContext<'a> {
    pub release: &'a ReleaseInfo,
    pub capabilities: &'a Capabilities,
    pub helm: HelmVersion,
}

/// Renders every template of a chart (its [`Renderables`]): file name to
/// output, partials left out, and the parsed template set, which the caller
/// frees when it suits it.
///
/// Templates run in parallel with writes to every map they share held back. Helm
/// runs them one after another on shared data, so if any template tried to write
/// to data another could see, the parallel results are dropped and the templates
/// run again in Helm's order, writes applied.
pub fn render(
    renderables: Renderables,
    ctx: &RenderContext,
    ahead: ParsedAhead,
) -> Result<(BTreeMap<String, RenderedFile>, Retained), RenderError> {
    let Renderables(renderables) = renderables;
    let ParsedAhead {
        mut templates,
        mut files,
    } = ahead;
    let order = parse_order(&renderables);
    let mut parsed: Vec<Option<Result<ParsedFile, ParseError>>> = order
        .iter()
        .map(|name| {
            let (_, parsed) = files.remove(&file_key(&renderables[name.as_str()].data))?;
            match parsed {
                Ok(file) => file.renamed(name).map(Ok),
                // An error names the file: it stands only if the name was right.
                Err((parsed_as, error)) => (parsed_as == *name).then_some(Err(error)),
            }
        })
        .collect();
    // Files not parsed ahead, or not under a name they can take, are parsed now.
    let missing: Vec<usize> = (0..order.len()).filter(|&i| parsed[i].is_none()).collect();
    let texts: Vec<Cow<str>> = missing
        .iter()
        .map(|&i| text_of(&renderables[order[i].as_str()].data))
        .collect();
    let late: Vec<(&str, &str)> = missing
        .iter()
        .zip(&texts)
        .map(|(&i, text)| (order[i].as_str(), text.as_ref()))
        .collect();
    for (&i, result) in missing.iter().zip(templates.parse_files(&late)) {
        parsed[i] = Some(result);
    }
    for (name, result) in order.iter().zip(parsed) {
        if let Some(result) = result {
            templates.add_parsed(result.map_err(|e| cleanup_parse_error(name, &e.message))?);
        }
    }
    let to_run: Vec<&String> = order
        .iter()
        .filter(|name| {
            !name
                .rsplit('/')
                .next()
                .is_some_and(|base| base.starts_with('_'))
        })
        .collect();
    let parallel = (to_run.len() > 1 && rayon::current_num_threads() > 1)
        .then(|| render_in_parallel(&renderables, ctx, &templates, &to_run))
        .flatten();
    let rendered = match parallel {
        Some(rendered) => rendered,
        None => render_in_order(&templates, &renderables, &to_run, ctx),
    }?;
    let mut retained = Retained::default();
    retained.keep(templates);
    retained.keep(renderables);
    retained.keep(files);
    Ok((rendered, retained))
}

/// Templates parsed while the caller works out which subcharts render and with
/// what values; [`render`] takes those it renders, by their bytes, and renames
/// any parsed under another name.
pub struct ParsedAhead {
    templates: Templates,
    files: HashMap<usize, ParsedAheadFile>,
}

/// A file's bytes (held so that their address, the key, stays theirs) and the
/// outcome of parsing them; a failure keeps the name it was parsed under.
type ParsedAheadFile = (Arc<[u8]>, Result<ParsedFile, (String, ParseError)>);

/// The key of a file's bytes: their address.
fn file_key(data: &Arc<[u8]>) -> usize {
    Arc::as_ptr(data) as *const u8 as usize
}

/// Parses every template of `chart` and its subcharts, named as [`render`] names
/// them unless an alias renames a subchart.
pub fn parse_ahead(chart: &Chart, helm: HelmVersion) -> ParsedAhead {
    let mut found = Vec::new();
    template_files(chart, chart.name().to_string(), &mut found);
    parse_found(found, helm)
}

/// Parses the templates among a chart's files as they were read, before the
/// chart is assembled: each file under a `templates/` directory of the chart or
/// of a subchart directory, under the name [`render`] most likely gives it
/// (the chart's name, then the file's path), which it renames if the guess was
/// wrong (an alias, or a subchart directory not named as its chart). Subcharts
/// packed as archives are parsed when they render.
pub fn parse_ahead_files(files: &[ChartFile], helm: HelmVersion) -> ParsedAhead {
    let chart_name = files
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .and_then(|f| chart::metadata::Metadata::parse(&f.data().ok()?).ok())
        .map(|metadata| metadata.name)
        .unwrap_or_default();
    let found = files
        .iter()
        .filter(|f| is_template_path(&f.name))
        .filter_map(|f| {
            let name = format!("{chart_name}/{}", f.name);
            Some((name, f.data().ok()?, f.text().ok()?))
        })
        .collect();
    parse_found(found, helm)
}

/// Whether a path in a chart names a template: `templates/...` below the chart
/// root or below any depth of `charts/<name>/`.
fn is_template_path(path: &str) -> bool {
    chart::directory::path_in_innermost_chart(path).is_some_and(|p| p.starts_with("templates/"))
}

fn parse_found(found: Vec<TemplateFile>, helm: HelmVersion) -> ParsedAhead {
    let mut templates = Templates::new("gotpl");
    templates.set_missing_key(MissingKey::Zero);
    templates.add_functions(sprig::functions());
    templates.add_functions(helm_functions(helm));
    templates.add_functions(template_functions());
    // The trees share the chart's text rather than copying it.
    let named: Vec<(&str, Arc<str>)> = found
        .iter()
        .map(|(name, _, text)| (name.as_str(), text.clone()))
        .collect();
    let parsed = templates.parse_files(&named);
    let files = found
        .into_iter()
        .zip(parsed)
        .map(|((name, data, _), parsed)| (file_key(&data), (data, parsed.map_err(|e| (name, e)))))
        .collect();
    ParsedAhead { templates, files }
}

/// A template file's full name, bytes and text.
type TemplateFile = (String, Arc<[u8]>, Arc<str>);

/// The template files of a chart tree, named as `collect` names them.
fn template_files(chart: &Chart, full_path: String, out: &mut Vec<TemplateFile>) {
    for sub in &chart.dependencies {
        template_files(sub, format!("{full_path}/charts/{}", sub.name()), out);
    }
    for t in &chart.templates {
        if let (Ok(data), Ok(text)) = (t.data(), t.text()) {
            out.push((format!("{full_path}/{}", t.name), data, text));
        }
    }
}

/// A template's text: validation alone is much quicker than the lossy decoder's
/// walk, which only text that is not UTF-8 needs.
fn text_of(data: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(data) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(data),
    }
}

/// Helm's way: one template after another on the shared values.
fn render_in_order(
    templates: &Templates,
    renderables: &BTreeMap<String, Renderable>,
    to_run: &[&String],
    ctx: &RenderContext,
) -> Result<BTreeMap<String, RenderedFile>, RenderError> {
    let mut rendered = BTreeMap::new();
    for &name in to_run {
        let r = &renderables[name.as_str()];
        r.objects
            .insert("Template", template_value(name, &r.base_path, ctx.helm));
        let output = execute(templates, name, &Value::Map(r.objects.clone()), ctx)?;
        rendered.insert(name.clone(), output);
    }
    Ok(rendered)
}

/// The parallel run: `None` when a template tried to write to shared data.
fn render_in_parallel(
    renderables: &BTreeMap<String, Renderable>,
    ctx: &RenderContext,
    templates: &Templates,
    to_run: &[&String],
) -> Option<Result<BTreeMap<String, RenderedFile>, RenderError>> {
    use rayon::prelude::*;
    // Each file gets its own top-level map for `.Template`, made before the
    // hold so that it is held too: a write to `.` is a write to data the
    // chart's other files share.
    let file_objects: Vec<Value> = to_run
        .iter()
        .map(|name| {
            let r = &renderables[name.as_str()];
            let objects = Map::new(gotmpl::MapType::interface(), r.objects.read().clone());
            objects.insert("Template", template_value(name, &r.base_path, ctx.helm));
            Value::Map(Arc::new(objects))
        })
        .collect();
    let hold = WriteHold::begin();
    let outputs: Vec<Result<RenderedFile, RenderError>> = to_run
        .par_iter()
        .zip(file_objects.par_iter())
        .map(|(name, objects)| hold.run(|| execute(templates, name, objects, ctx)))
        .collect();
    if hold.tried_to_write() {
        return None;
    }
    let mut rendered = BTreeMap::new();
    for (name, output) in to_run.iter().zip(outputs) {
        match output {
            Ok(file) => rendered.insert((*name).clone(), file),
            Err(e) => return Some(Err(e)),
        };
    }
    Some(Ok(rendered))
}

/// Executes one file, `<no value>` removed as Helm removes it, and reads its
/// documents.
fn execute(
    templates: &Templates,
    name: &str,
    objects: &Value,
    ctx: &RenderContext,
) -> Result<RenderedFile, RenderError> {
    let output = templates
        .execute(name, objects)
        .map_err(|e| reformat_exec_error(name, &e, ctx.helm))?;
    let text = if output.contains("<no value>") {
        output.replace("<no value>", "")
    } else {
        output
    };
    let documents = if name.ends_with("NOTES.txt") {
        Vec::new()
    } else {
        read_documents(&text)
    };
    Ok(RenderedFile { text, documents })
}

/// Every template file of a chart and its subcharts with the objects it sees,
/// by full name: what [`render`] executes. They depend only on the chart and
/// its values, so they can be worked out while the templates still parse.
pub struct Renderables(BTreeMap<String, Renderable>);

impl Renderables {
    pub fn collect(
        chart: &Chart,
        values: &Value,
        ctx: &RenderContext,
    ) -> Result<Renderables, RenderError> {
        let mut renderables = BTreeMap::new();
        let top_values = match values {
            Value::Map(m) => {
                Value::Map(Arc::new(Map::new(values_type(ctx.helm), m.read().clone())))
            }
            other => other.clone(),
        };
        collect(
            chart,
            true,
            chart.name().to_string(),
            top_values,
            ctx,
            &mut renderables,
        )?;
        Ok(Renderables(renderables))
    }
}

/// Helm's `recAllTpls`: the objects of one chart, then its subcharts' and templates.
fn collect(
    chart: &Chart,
    is_root: bool,
    full_path: String,
    values: Value,
    ctx: &RenderContext,
    out: &mut BTreeMap<String, Renderable>,
) -> Result<Value, RenderError> {
    let subcharts = Arc::new(Map::new(gotmpl::MapType::interface(), BTreeMap::new()));
    let mut objects = BTreeMap::new();
    objects.insert(
        "Chart".to_string(),
        chart_value(&chart.metadata, is_root, ctx.helm),
    );
    objects.insert("Files".to_string(), Files::new(&chart.files).to_value());
    objects.insert("Release".to_string(), ctx.release.to_value());
    objects.insert("Capabilities".to_string(), ctx.capabilities.to_value());
    objects.insert("Values".to_string(), values.clone());
    objects.insert("Subcharts".to_string(), Value::Map(subcharts.clone()));
    let objects = Arc::new(Map::new(gotmpl::MapType::interface(), objects));

    for sub in &chart.dependencies {
        let sub_values = match &values {
            Value::Map(m) => match m.get(sub.name()) {
                Some(Value::Map(t)) if chart::values::is_table(&Value::Map(t.clone())) => {
                    Value::Map(Arc::new(Map::new(values_type(ctx.helm), t.read().clone())))
                }
                _ => Value::Map(Arc::new(Map::new(values_type(ctx.helm), BTreeMap::new()))),
            },
            _ => Value::Map(Arc::new(Map::new(values_type(ctx.helm), BTreeMap::new()))),
        };
        let sub_path = format!("{full_path}/charts/{}", sub.name());
        let sub_objects = collect(sub, false, sub_path, sub_values, ctx, out)?;
        subcharts.insert(sub.name(), sub_objects);
    }

    let library = chart.metadata.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                data: t.data().map_err(|e| RenderError(e.to_string()))?,
                objects: objects.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    Ok(Value::Map(objects))
}

/// Helm's `sortTemplates`: deepest paths first, then reverse lexical order.
fn parse_order(renderables: &BTreeMap<String, Renderable>) -> Vec<String> {
    let mut names: Vec<(usize, &String)> = renderables
        .keys()
        .map(|name| (name.bytes().filter(|&b| b == b'/').count(), name))
        .collect();
    names
        .sort_unstable_by(|(depth_a, a), (depth_b, b)| depth_b.cmp(depth_a).then_with(|| b.cmp(a)));
    names.into_iter().map(|(_, name)| name.clone()).collect()
}

/// Helm's `cleanupParseError`.
fn cleanup_parse_error(filename: &str, message: &str) -> RenderError {
    let tokens: Vec<&str> = message.split(": ").collect();
    if tokens.len() == 1 {
        return RenderError(format!("parse error in ({filename}): {message}"));
    }
    RenderError(format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    ))
}

/// The message of `required` or `fail`, if the error carries one.
fn warning(text: &str) -> Option<&str> {
    let start = text.find(WARN_START)? + WARN_START.len();
    let end = text.rfind(WARN_END)?;
    (end >= start).then(|| &text[start..end])
}

/// Helm's `reformatExecErrorMsg` (Helm 4) or `cleanupExecError` (Helm 3).
fn reformat_exec_error(filename: &str, error: &ExecError, helm: HelmVersion) -> RenderError {
    let tokens: Vec<&str> = error.message.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return RenderError(format!(
            "execution error in ({filename}): {}",
            error.message
        ));
    }
    if let Some(message) = warning(tokens[2]) {
        return RenderError(format!("execution error at ({}): {message}", tokens[1]));
    }
    if helm == HelmVersion::Helm3 {
        return RenderError(error.message.clone());
    }
    let mut trace = Vec::new();
    let mut current = error;
    loop {
        match trace_entry(&current.message) {
            Some(entry) => trace.push(entry),
            None => return RenderError(error.message.clone()),
        }
        match &current.cause {
            ErrorSource::None => break,
            ErrorSource::Function(_) => return RenderError(error.message.clone()),
            ErrorSource::Template(inner) => current = inner,
        }
    }
    RenderError(trace.concat().trim().to_string())
}

/// One level of Helm 4's error trace: location, the executing clause and the message.
fn trace_entry(message: &str) -> Option<String> {
    let remainder = message.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some(format!("{message}\n"));
    }
    if let Some(idx) = remainder.find(": executing ") {
        let location = &remainder[..idx];
        let after = &remainder[idx + ": executing ".len()..];
        let after = after.strip_prefix('"')?;
        let end_quote = after.find('"')?;
        let function = &after[..end_quote];
        let after_at = after[end_quote + 1..].strip_prefix(" at <")?;
        let end_loc = after_at.find(">: ")?;
        let node = &after_at[..end_loc];
        let mut msg = &after_at[end_loc + ">: ".len()..];
        if let Some(cut) = msg.find(" template:") {
            msg = &msg[..cut];
        }
        return Some(format!(
            "{location}\n  executing \"{function}\" at <{node}>:\n    {msg}\n"
        ));
    }
    let sep = remainder.rfind(": ")?;
    let location = &remainder[..sep];
    let mut msg = &remainder[sep + 2..];
    if let Some(cut) = msg.find(" template:") {
        msg = &msg[..cut];
    }
    Some(format!("{location}\n  {msg}\n"))
}
