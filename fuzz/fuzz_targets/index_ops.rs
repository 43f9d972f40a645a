//! The reference index under random operation sequences, against a model (a map from id to
//! text): add (skip, replace or fail on a known id), remove by id, query. After every
//! operation the index holds exactly the model's documents; a query of a stored text (under a
//! new id) finds the stored document; at the end `Index::check` finds no problem.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use wiretrace::doc::Document;
use wiretrace::index::{Access, Index, OnDuplicate, Removal};
use wiretrace::params::Params;
use wiretrace::pipeline::ScanOptions;

/// Paragraphs long enough to be fingerprinted; documents are made of two of them.
const PARAGRAPHS: [&str; 6] = [
    "The ministry said on Tuesday that the new rules would take effect next month after a long consultation with farmers.",
    "Officials in the capital confirmed that talks between the two governments would resume early next week in Geneva.",
    "The central bank left interest rates unchanged for a third meeting, citing persistent inflation in services and housing.",
    "Rescue teams worked through the night to reach villages cut off by the floods, the regional governor told reporters.",
    "The company reported a sharp rise in quarterly profit, helped by strong demand for its cloud computing services abroad.",
    "Voters in the northern province will return to the polls in March after the court annulled the disputed election result.",
];

fn document(id: u8, a: u8, b: u8) -> Document {
    let text = format!(
        "{}\n\n{}",
        PARAGRAPHS[a as usize % PARAGRAPHS.len()],
        PARAGRAPHS[b as usize % PARAGRAPHS.len()]
    );
    Document::new(format!("id{}", id % 5), text)
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let params = Params::default()
        .validated()
        .expect("default parameters are valid");
    let mut index = Index::create(dir.path(), &params).expect("an index is created");
    let mut model: BTreeMap<String, String> = BTreeMap::new();
    for op in data.chunks_exact(4).take(12) {
        let doc = document(op[1], op[2], op[3]);
        match op[0] % 5 {
            0..=2 => {
                let on_duplicate = match op[0] % 3 {
                    0 => OnDuplicate::Skip,
                    1 => OnDuplicate::Replace,
                    _ => OnDuplicate::Fail,
                };
                let known = model.contains_key(&doc.id);
                let added = index.add_with(std::slice::from_ref(&doc), on_duplicate, &|_| {});
                match (known, on_duplicate) {
                    (true, OnDuplicate::Fail) => assert!(added.is_err()),
                    (true, OnDuplicate::Skip) => {
                        assert_eq!(added.expect("a skip succeeds").added, 0)
                    }
                    _ => {
                        assert_eq!(added.expect("an add succeeds").added, 1);
                        model.insert(doc.id.clone(), doc.text.clone());
                    }
                }
            }
            3 => {
                let removed = index
                    .remove(&Removal::Ids(vec![doc.id.clone()]))
                    .expect("a removal succeeds");
                assert_eq!(
                    removed.removed,
                    usize::from(model.remove(&doc.id).is_some())
                );
            }
            _ => {
                if let Some((id, text)) = model.iter().next() {
                    let probe = Document::new("probe", text.clone());
                    let found = index
                        .query(&[probe], ScanOptions::default(), &|_| {})
                        .expect("a query succeeds");
                    assert!(
                        found.documents[..found.indexed].iter().any(|d| &d.id == id),
                        "the stored text of {id} was not found"
                    );
                }
            }
        }
        let stats = index.stats().expect("stats");
        assert_eq!(stats.documents as usize, model.len());
    }
    drop(index);
    let index = Index::open(dir.path(), Access::Read).expect("the index reopens");
    let report = index.check(&|_| {}).expect("the check runs");
    assert!(report.is_ok(), "{:?}", report.problems);
});
