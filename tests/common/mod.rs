//! Helpers shared by the integration tests that read JSON reports.

use serde_json::Value;

/// The ids of a JSON report's documents, in report order.
pub fn document_ids(report: &Value) -> Vec<&str> {
    report["documents"]
        .as_array()
        .expect("a report has documents")
        .iter()
        .map(|d| d["id"].as_str().expect("a document has an id"))
        .collect()
}
