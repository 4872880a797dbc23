//! A chart repository's index.yaml as Helm loads it: entries per chart name,
//! invalid entries skipped, versions sorted newest first, and `Get`'s choice
//! of version (exact match, else the newest satisfying the constraint).

use std::collections::BTreeMap;

use goyaml::json::Target;
use goyaml::Data;

use crate::error::SourceError;
use crate::version::{select, sort_newest_first, SemVer};

/// One chart version listed in an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexEntry {
    pub name: String,
    pub version: String,
    pub urls: Vec<String>,
    /// Hex SHA-256 of the archive, when the index gives one.
    pub digest: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Index {
    entries: BTreeMap<String, Vec<IndexEntry>>,
}

fn text(d: Option<&Data>) -> Option<String> {
    match d? {
        Data::String(s) => Some(s.clone()),
        Data::Float(f) => Some(goyaml::floatfmt::format_float(*f, b'g', 32)),
        Data::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

impl Index {
    /// How many chart versions the index lists.
    pub(crate) fn version_count(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    /// Parses index.yaml; `source` (the index URL or cache file) names it in errors.
    pub(crate) fn parse(bytes: &[u8], source: &str) -> Result<Index, SourceError> {
        let top = match goyaml::sigs::unmarshal(bytes, Target::Map, false) {
            Ok(Data::Map(m)) => m,
            Ok(_) => BTreeMap::new(),
            Err(e) => return Err(SourceError::invalid(source, e)),
        };
        if text(top.get("apiVersion")).unwrap_or_default().is_empty() {
            return Err(SourceError::invalid(
                source,
                "no API version specified; not a chart repository index",
            ));
        }
        let mut entries = BTreeMap::new();
        if let Some(Data::Map(charts)) = top.get("entries") {
            for (name, versions) in charts {
                let Data::List(versions) = versions else {
                    continue;
                };
                let mut list: Vec<IndexEntry> = versions
                    .iter()
                    .filter_map(|v| {
                        let m = v.as_map()?;
                        let version = text(m.get("version"))?;
                        SemVer::parse(&version)?;
                        Some(IndexEntry {
                            name: text(m.get("name")).unwrap_or_else(|| name.clone()),
                            version,
                            urls: match m.get("urls") {
                                Some(Data::List(urls)) => urls
                                    .iter()
                                    .filter_map(|u| u.as_str().map(String::from))
                                    .collect(),
                                _ => Vec::new(),
                            },
                            digest: text(m.get("digest")).filter(|d| !d.is_empty()),
                        })
                    })
                    .collect();
                sort_newest_first(&mut list, |e| &e.version);
                entries.insert(name.clone(), list);
            }
        }
        Ok(Index { entries })
    }

    /// `IndexFile.Get`: the entry Helm would pick for `name` at `version`.
    pub(crate) fn get(
        &self,
        name: &str,
        version: Option<&str>,
        repo: &str,
    ) -> Result<&IndexEntry, SourceError> {
        let list = self
            .entries
            .get(name)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| SourceError::ChartNotFound {
                chart: name.to_string(),
                repo: repo.to_string(),
            })?;
        select(list, version, |e| &e.version).ok_or_else(|| SourceError::NoMatchingVersion {
            chart: name.to_string(),
            repo: repo.to_string(),
            constraint: version
                .filter(|v| !v.is_empty())
                .unwrap_or("* (latest release)")
                .to_string(),
            available: available(list.iter().map(|e| e.version.as_str())),
        })
    }
}

/// The versions to show in a "no version matches" message.
pub(crate) fn available<'a>(versions: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = versions.collect();
    match all.len() {
        0 => "none".to_string(),
        n if n > 20 => format!("{} and {} more", all[..20].join(", "), n - 20),
        _ => all.join(", "),
    }
}
