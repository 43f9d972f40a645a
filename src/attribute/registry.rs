//! The registry of wire services: canonical names and the aliases that credit lines use.
//!
//! In: a JSON file (`data/agencies.json` is built in; `--agencies FILE` replaces it).
//! Out: a [`Registry`] that maps any alias (case-insensitively) to its agency.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;

use super::credits::CreditPatterns;

/// The built-in registry, compiled into the binary.
const BUILTIN_JSON: &str = include_str!("../../data/agencies.json");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
/// A wire service: its id, names and the forms its credit lines take.
pub struct Agency {
    /// The name used in reports (`AP`, `Reuters`…).
    pub id: String,
    /// The canonical full name.
    pub name: String,
    /// Every spelling that may appear in a credit line.
    pub aliases: Vec<String>,
    /// Whether stories end with the house-style sign-off "(Reporting by …; Editing by …)".
    #[serde(default)]
    pub signoff: bool,
}

#[derive(Debug, Deserialize)]
struct RegistryFile {
    agencies: Vec<Agency>,
}

/// A registry file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The registry file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a registry.
    #[error("{path}: not a valid agency registry: {message}")]
    Invalid {
        /// The registry file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Debug, Clone)]
/// The wire services credit lines and outlets are matched against.
pub struct Registry {
    agencies: Vec<Agency>,
    by_alias: HashMap<String, usize>,
    /// Compiled when the registry is loaded (which checks that they compile), then shared by
    /// every scan with this registry.
    credit_patterns: OnceLock<CreditPatterns>,
}

impl Registry {
    /// The credit-line patterns for this registry's agencies, compiled once.
    pub fn credit_patterns(&self) -> &CreditPatterns {
        self.credit_patterns.get_or_init(|| {
            CreditPatterns::new(self).expect("the patterns compiled when the registry was loaded")
        })
    }

    /// The registry bundled with wiretrace (`data/agencies.json`).
    pub fn builtin() -> &'static Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Registry::from_json(BUILTIN_JSON, "data/agencies.json")
                .expect("the built-in agency registry is valid")
        })
    }

    /// Reads a registry from a JSON file (the format of `data/agencies.json`).
    pub fn from_file(path: &Path) -> Result<Registry, RegistryError> {
        let text = std::fs::read_to_string(path).map_err(|source| RegistryError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Registry::from_json(&text, &path.display().to_string())
    }

    /// Parses a registry from JSON text; `path` names it in errors.
    pub fn from_json(json: &str, path: &str) -> Result<Registry, RegistryError> {
        let invalid = |message: String| RegistryError::Invalid {
            path: path.to_string(),
            message,
        };
        let file: RegistryFile = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
        let mut by_alias: HashMap<String, usize> = HashMap::new();
        for (index, agency) in file.agencies.iter().enumerate() {
            if agency.aliases.is_empty() {
                return Err(invalid(format!("agency '{}' has no aliases", agency.id)));
            }
            for alias in agency.aliases.iter().chain([&agency.id, &agency.name]) {
                if alias.trim().is_empty() {
                    // An empty alias would match every credit-shaped line.
                    return Err(invalid(format!(
                        "agency '{}' has an empty alias, id or name",
                        agency.id
                    )));
                }
                let key = alias.to_lowercase();
                if let Some(&other) = by_alias.get(&key) {
                    if other != index {
                        return Err(invalid(format!(
                            "alias '{alias}' belongs to both '{}' and '{}'",
                            file.agencies[other].id, agency.id
                        )));
                    }
                }
                by_alias.insert(key, index);
            }
        }
        let registry = Registry {
            agencies: file.agencies,
            by_alias,
            credit_patterns: OnceLock::new(),
        };
        let patterns = CreditPatterns::new(&registry).map_err(|e| {
            invalid(format!(
                "{} aliases are too many or too long for the credit patterns ({}); give fewer",
                registry.aliases_longest_first().len(),
                e.to_string().lines().next().unwrap_or("regex error")
            ))
        })?;
        let _ = registry.credit_patterns.set(patterns);
        Ok(registry)
    }

    /// The agencies, in registry order.
    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    /// The agency an alias, id or name refers to (case-insensitive).
    pub fn lookup(&self, alias: &str) -> Option<&Agency> {
        self.by_alias
            .get(&alias.trim().to_lowercase())
            .map(|&i| &self.agencies[i])
    }

    /// Every alias, longest first (so that alternations prefer the longest match).
    pub fn aliases_longest_first(&self) -> Vec<&str> {
        let mut aliases: Vec<&str> = self
            .agencies
            .iter()
            .flat_map(|a| a.aliases.iter().map(String::as_str))
            .collect();
        aliases.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        aliases.dedup();
        aliases
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_registry_covers_the_major_wires() {
        let registry = Registry::builtin();
        for id in [
            "AP",
            "Reuters",
            "AFP",
            "dpa",
            "EFE",
            "ANSA",
            "Xinhua",
            "TASS",
            "RIA",
            "Yonhap",
            "KCNA",
            "Kyodo",
            "PA",
            "Bloomberg",
            "UPI",
            "Lusa",
            "CNA",
        ] {
            assert!(registry.lookup(id).is_some(), "{id} missing");
        }
        assert_eq!(registry.lookup("associated press").unwrap().id, "AP");
        assert_eq!(registry.lookup("REUTERS").unwrap().id, "Reuters");
        assert!(registry.lookup("Reuters").unwrap().signoff);
    }

    #[test]
    fn ambiguous_or_malformed_registries_are_refused() {
        let twice = r#"{"agencies":[{"id":"A","name":"A","aliases":["X"]},{"id":"B","name":"B","aliases":["x"]}]}"#;
        let err = Registry::from_json(twice, "mine.json")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("mine.json") && err.contains("both 'A' and 'B'"),
            "{err}"
        );
        assert!(Registry::from_json("{}", "empty.json").is_err());
    }
}
