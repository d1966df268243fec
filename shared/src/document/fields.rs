//! Reading a struct's fields in one pass over its map. autosurgeon's
//! derive looks each field up on its own, and that lookup is most of the
//! time it takes to open a program of hundreds of members and matches
//! (measured in BENCHMARKS "Programs"); the few structs that repeat by the
//! hundred read their fields this way instead, with the same meaning: a
//! missing field hydrates as none, a field of the wrong type is an error.

use std::collections::HashMap;

use autosurgeon::{Hydrate, HydrateError, ReadDoc};
use automerge::{ObjId, ObjType, Value};

/// The fields of one map object, read once.
pub struct Fields<'a, D> {
    doc: &'a D,
    values: HashMap<String, (Value<'static>, ObjId)>,
}

impl<'a, D: ReadDoc> Fields<'a, D> {
    pub fn read(doc: &'a D, obj: &ObjId) -> Self {
        let values = doc.map_range(obj, ..).map(|item| {
                let id = item.id();
                (item.key.into_owned(), (item.value.into_value(), id))
            }).collect();
        Fields { doc, values }
    }

    /// The field `key` as a `T`, as autosurgeon's derive would read it.
    pub fn take<T: Hydrate>(&mut self, key: &str) -> Result<T, HydrateError> {
        match self.values.remove(key) {
            None => T::hydrate_none(),
            Some((Value::Object(ObjType::Map | ObjType::Table), id)) => T::hydrate_map(self.doc, &id),
            Some((Value::Object(ObjType::List), id)) => T::hydrate_seq(self.doc, &id),
            Some((Value::Object(ObjType::Text), id)) => T::hydrate_text(self.doc, &id),
            Some((Value::Scalar(value), _)) => T::hydrate_scalar(value),
        }
    }

    /// An optional field: null is none (autosurgeon's `Option` reads its
    /// field itself, so it cannot go through [`Fields::take`]).
    pub fn take_option<T: Hydrate>(&mut self, key: &str) -> Result<Option<T>, HydrateError> {
        match self.values.get(key) {
            None => Err(HydrateError::unexpected("a ScalarValue::Null", "nothing at all".to_string())),
            Some((Value::Scalar(value), _)) if value.is_null() => Ok(None),
            Some(_) => self.take(key).map(Some),
        }
    }

    /// A calendar day, read as leniently as [`crate::calendar_day::stored`]:
    /// anything but `YYYY-MM-DD` text is no day.
    pub fn take_day(&mut self, key: &str) -> Option<chrono::NaiveDate> {
        self.values.remove(key).and_then(|(value, _)| crate::calendar_day::stored::day_in(&value))
    }
}

/// A map of values by key (a roster, a program's matches) read in one
/// pass; autosurgeon's own looks each entry up again after listing it.
/// For `#[autosurgeon(hydrate = "document::fields::map_by_key")]`.
pub fn map_by_key<D: ReadDoc, V: Hydrate>(doc: &D, obj: &ObjId, prop: autosurgeon::Prop<'_>) -> Result<std::collections::BTreeMap<String, V>, HydrateError> {
    let Some((Value::Object(ObjType::Map | ObjType::Table), map)) = doc.get(obj, &prop)? else {
        return Err(HydrateError::unexpected("a map", "something else".to_string()));
    };
    doc.map_range(&map, ..)
        .map(|item| {
            let id = item.id();
            let value = match item.value.into_value() {
                Value::Object(ObjType::Map | ObjType::Table) => V::hydrate_map(doc, &id),
                Value::Object(ObjType::List) => V::hydrate_seq(doc, &id),
                Value::Object(ObjType::Text) => V::hydrate_text(doc, &id),
                Value::Scalar(value) => V::hydrate_scalar(value),
            }?;
            Ok((item.key.into_owned(), value))
        })
        .collect()
}

/// A map added after documents were already written: absent, it reads
/// as empty. For `#[autosurgeon(hydrate = "document::fields::map_by_key_or_empty")]`.
pub fn map_by_key_or_empty<D: ReadDoc, V: Hydrate>(doc: &D, obj: &ObjId, prop: autosurgeon::Prop<'_>) -> Result<std::collections::BTreeMap<String, V>, HydrateError> {
    match doc.get(obj, &prop)? {
        None => Ok(std::collections::BTreeMap::new()),
        Some(_) => map_by_key(doc, obj, prop),
    }
}

/// A field added after documents were already written: absent, it reads
/// as its default. For `#[autosurgeon(hydrate = "document::fields::missing_as_default")]`.
pub fn missing_as_default<D: ReadDoc, T: Hydrate + Default>(doc: &D, obj: &ObjId, prop: autosurgeon::Prop<'_>) -> Result<T, HydrateError> {
    match doc.get(obj, &prop)? {
        None => Ok(T::default()),
        Some(_) => T::hydrate(doc, obj, prop),
    }
}

/// A text field added after documents were already written: absent, it
/// reads as empty. For `#[autosurgeon(hydrate = "document::fields::missing_as_empty")]`.
pub fn missing_as_empty<D: ReadDoc>(doc: &D, obj: &ObjId, prop: autosurgeon::Prop<'_>) -> Result<String, HydrateError> {
    match doc.get(obj, &prop)? {
        None => Ok(String::new()),
        Some(_) => String::hydrate(doc, obj, prop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autosurgeon::{hydrate, reconcile, Reconcile};

    #[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
    struct Derived {
        name: String,
        tags: Vec<String>,
        count: u32,
        maybe: Option<String>,
        on: bool,
    }

    #[derive(Debug, Clone, PartialEq, Reconcile)]
    struct OnePass {
        name: String,
        tags: Vec<String>,
        count: u32,
        maybe: Option<String>,
        on: bool,
    }

    impl Hydrate for OnePass {
        fn hydrate_map<D: ReadDoc>(doc: &D, obj: &ObjId) -> Result<Self, HydrateError> {
            let mut f = Fields::read(doc, obj);
            Ok(OnePass { name: f.take("name")?, tags: f.take("tags")?, count: f.take("count")?, maybe: f.take_option("maybe")?, on: f.take("on")? })
        }
    }

    #[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
    struct Roster {
        #[autosurgeon(hydrate = "map_by_key")]
        people: std::collections::BTreeMap<String, OnePass>,
    }

    #[test]
    fn a_map_read_in_one_pass_holds_every_entry() {
        let one = |n: u32| OnePass { name: format!("Member {n}"), tags: vec![], count: n, maybe: Some("x".into()), on: false };
        let roster = Roster { people: (0..30).map(|n| (format!("m{n:02}"), one(n))).collect() };
        let mut doc = automerge::AutoCommit::new();
        reconcile(&mut doc, &roster).unwrap();
        assert_eq!(hydrate::<_, Roster>(&doc).unwrap(), roster);
    }

    #[test]
    fn a_field_added_later_reads_as_empty_when_absent() {
        #[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
        struct Before {
            name: String,
        }
        #[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
        struct After {
            name: String,
            #[autosurgeon(hydrate = "missing_as_empty")]
            added: String,
        }
        let mut doc = automerge::AutoCommit::new();
        reconcile(&mut doc, &Before { name: "Peer Connections".into() }).unwrap();
        assert_eq!(hydrate::<_, After>(&doc).unwrap(), After { name: "Peer Connections".into(), added: String::new() });
        let after = After { name: "Peer Connections".into(), added: "page".into() };
        reconcile(&mut doc, &after).unwrap();
        assert_eq!(hydrate::<_, After>(&doc).unwrap(), after);
        // Present but of another type, it is refused as before.
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "added", 7u64).unwrap();
        assert!(hydrate::<_, After>(&doc).is_err());
    }

    #[test]
    fn one_pass_reads_what_the_derive_reads() {
        let value = Derived { name: "Mira".into(), tags: vec!["a".into(), "b".into()], count: 3, maybe: None, on: true };
        let mut doc = automerge::AutoCommit::new();
        reconcile(&mut doc, &value).unwrap();
        let derived: Derived = hydrate(&doc).unwrap();
        let one: OnePass = hydrate(&doc).unwrap();
        assert_eq!((one.name, one.tags, one.count, one.maybe, one.on), (derived.name, derived.tags, derived.count, derived.maybe, derived.on));
        // A field of the wrong type is refused, as the derive refuses it.
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "count", "three").unwrap();
        assert!(hydrate::<_, Derived>(&doc).is_err());
        assert!(hydrate::<_, OnePass>(&doc).is_err());
        // A value in an optional field reads as some; a missing field is
        // refused, as the derive refuses it.
        doc.put(automerge::ROOT, "count", 3u64).unwrap();
        doc.put(automerge::ROOT, "maybe", "yes").unwrap();
        assert_eq!(hydrate::<_, OnePass>(&doc).unwrap().maybe.as_deref(), Some("yes"));
        doc.delete(automerge::ROOT, "maybe").unwrap();
        assert!(hydrate::<_, Derived>(&doc).is_err());
        assert!(hydrate::<_, OnePass>(&doc).is_err());
    }
}
