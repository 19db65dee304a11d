//! The JSON Schema of the definition format, for editors that complete and check TOML
//! against a schema (Taplo, and Even Better TOML which uses it). `canvass schema` prints
//! it. It is written by hand in `schema.json`, with a description for every key; the
//! tests below keep it honest against the raw shapes (`raw.rs`), the kinds and the keys
//! each kind takes (`check.rs`), and the checks' own rules for ids, codes and languages.
//!
//! The schema declares draft 2020-12 but uses only keywords that draft 7 reads the same
//! way (`$ref` is never given siblings; descriptions sit beside an `allOf`), because
//! editor validators such as Taplo's fall back to draft 7 rules.

/// The JSON Schema (draft 2020-12) of a survey definition.
pub const SCHEMA: &str = include_str!("schema.json");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use jsonschema::{Draft, Validator};
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::SCHEMA;
    use crate::survey::check::{KEYS_BY_KIND, KINDS};
    use crate::survey::raw::{
        RawAnonymity, RawChoice, RawCodeList, RawDirection, RawIngest, RawLevel, RawPanel,
        RawQuestion, RawScale, RawSection, RawSide, RawSurvey,
    };
    use crate::survey::{check_source, scaffold};
    use crate::testing;

    fn schema() -> Value {
        serde_json::from_str(SCHEMA).expect("schema.json is JSON")
    }

    /// The schema read as declared (2020-12) and as an editor on draft 7 rules reads it.
    fn validators() -> [(Draft, Validator); 2] {
        let schema = schema();
        [Draft::Draft202012, Draft::Draft7].map(|draft| {
            let validator = jsonschema::options()
                .with_draft(draft)
                .build(&schema)
                .unwrap_or_else(|e| panic!("the schema does not build as {draft:?}: {e}"));
            (draft, validator)
        })
    }

    /// A definition as an editor sees it: TOML turned into JSON.
    fn toml_to_json(source: &str) -> Value {
        let value: toml::Value = toml::from_str(source).expect("TOML");
        serde_json::to_value(value).expect("TOML values are JSON values")
    }

    /// Every schema error about a definition, as `instance path: message`, after
    /// checking that both drafts agree on whether it is valid.
    fn schema_errors(source: &str) -> Vec<(String, String)> {
        let instance = toml_to_json(source);
        let [(_, latest), (_, draft7)] = validators();
        let errors: Vec<(String, String)> = latest
            .iter_errors(&instance)
            .map(|e| (e.instance_path().as_str().to_string(), e.to_string()))
            .collect();
        assert_eq!(
            errors.is_empty(),
            draft7.is_valid(&instance),
            "draft 7 and 2020-12 disagree: {errors:#?}"
        );
        errors
    }

    fn fixture(relative: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_schema_is_a_valid_draft_2020_12_schema() {
        let schema = schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(jsonschema::meta::is_valid(&schema));
        assert!(jsonschema::draft7::meta::is_valid(&schema));
    }

    #[test]
    fn every_valid_survey_we_have_passes_the_schema() {
        let surveys_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys");
        let mut shipped: Vec<PathBuf> = std::fs::read_dir(&surveys_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        shipped.sort();
        assert!(shipped.len() >= 2, "{shipped:?}");
        let mut sources: Vec<(String, String)> = shipped
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
            .collect();
        sources.push(("testing::SURVEY".into(), testing::SURVEY.into()));
        sources.push(("testing::EVERY_KIND".into(), testing::EVERY_KIND.into()));
        sources.push(("canvass new".into(), scaffold::survey_template("example")));
        for (name, source) in &sources {
            let (_, report) = check_source(name, source);
            assert!(!report.has_errors(), "{name} does not check:\n{report}");
            let errors = schema_errors(source);
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
    }

    #[test]
    fn bad_surveys_with_unknown_keys_or_wrong_shapes_fail_at_the_right_place() {
        let cases = [
            ("misspelt-key.toml", ""),
            ("unknown-nested-key.toml", "/scales/stance/levels/1"),
            ("wrong-value-type.toml", "/anonymity/min_group_size"),
            ("missing-required-key.toml", ""),
            ("unknown-kind.toml", "/questions/1/kind"),
            ("key-not-for-kind.toml", "/questions/1"),
            ("matrix-without-rows.toml", "/questions/1"),
            ("invalid-language-tag.toml", "/language"),
        ];
        for (file, path) in cases {
            let source = fixture(&format!("tests/fixtures/bad-surveys/{file}"));
            let errors = schema_errors(&source);
            assert!(
                errors.iter().any(|(at, _)| at == path),
                "{file}: expected an error at `{path}`, got {errors:#?}"
            );
        }
    }

    /// The keys a raw shape accepts, from serde's own "expected one of" list.
    fn fields<T: DeserializeOwned>() -> BTreeSet<String> {
        let error = toml::from_str::<T>("not_a_key_of_any_shape = 1")
            .err()
            .expect("an unknown key is refused");
        let message = error.message();
        assert!(
            message.starts_with("unknown field `not_a_key_of_any_shape`"),
            "{message}"
        );
        let (_, expected) = message.split_once("expected ").expect("a list of keys");
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect()
    }

    fn schema_keys(schema: &Value, pointer: &str) -> BTreeSet<String> {
        schema
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("no object at {pointer}"))
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn every_key_of_the_raw_shapes_is_in_the_schema_and_no_other() {
        let schema = schema();
        let shapes = [
            ("RawSurvey", fields::<RawSurvey>(), "/properties"),
            ("RawPanel", fields::<RawPanel>(), "/$defs/panel/properties"),
            (
                "RawAnonymity",
                fields::<RawAnonymity>(),
                "/$defs/anonymity/properties",
            ),
            (
                "RawIngest",
                fields::<RawIngest>(),
                "/$defs/ingest/properties",
            ),
            ("RawScale", fields::<RawScale>(), "/$defs/scale/properties"),
            ("RawLevel", fields::<RawLevel>(), "/$defs/level/properties"),
            ("RawSide", fields::<RawSide>(), "/$defs/side/properties"),
            (
                "RawCodeList",
                fields::<RawCodeList>(),
                "/$defs/codeList/properties",
            ),
            (
                "RawChoice",
                fields::<RawChoice>(),
                "/$defs/choice/properties",
            ),
            (
                "RawSection",
                fields::<RawSection>(),
                "/$defs/section/properties",
            ),
            (
                "RawQuestion",
                fields::<RawQuestion>(),
                "/$defs/question/properties",
            ),
        ];
        for (shape, fields, pointer) in shapes {
            assert!(!fields.is_empty(), "{shape}: {fields:?}");
            assert_eq!(
                fields,
                schema_keys(&schema, pointer),
                "{shape} vs {pointer}"
            );
        }
        // Matrix rows are choices without a direction (the checks refuse one there).
        let mut row = fields::<RawChoice>();
        row.remove("direction");
        assert_eq!(row, schema_keys(&schema, "/$defs/row/properties"));
    }

    #[test]
    fn every_shape_refuses_unknown_keys_and_every_key_is_described() {
        let schema = schema();
        let mut shapes = vec![("(top level)".to_string(), &schema)];
        for (name, def) in schema["$defs"].as_object().unwrap() {
            shapes.push((name.clone(), def));
        }
        let mut described = 0;
        for (name, shape) in shapes {
            let Some(properties) = shape.get("properties").and_then(Value::as_object) else {
                continue;
            };
            assert_eq!(shape["additionalProperties"], false, "{name}");
            for (key, property) in properties {
                let description = property["description"].as_str().unwrap_or("");
                assert!(description.len() > 10, "{name}.{key} has no description");
                described += 1;
            }
        }
        assert!(described >= 50, "{described} keys described");
    }

    #[test]
    fn the_kinds_and_the_keys_each_kind_takes_match_the_checks() {
        let schema = schema();
        let kinds: Vec<&str> = schema["$defs"]["question"]["properties"]["kind"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(kinds, KINDS);

        let kind_specific: BTreeSet<&str> = KEYS_BY_KIND.iter().map(|(key, _)| *key).collect();
        let every_kind: BTreeSet<String> = fields::<RawQuestion>()
            .into_iter()
            .filter(|key| !kind_specific.contains(key.as_str()))
            .collect();
        let rules = schema["$defs"]["question"]["allOf"].as_array().unwrap();
        assert_eq!(rules.len(), KINDS.len());
        for rule in rules {
            let kind = rule["if"]["properties"]["kind"]["const"].as_str().unwrap();
            let allowed: BTreeSet<String> = rule["then"]["propertyNames"]["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_string())
                .collect();
            let expected: BTreeSet<String> = every_kind
                .iter()
                .cloned()
                .chain(
                    KEYS_BY_KIND
                        .iter()
                        .filter(|(_, kinds)| kinds.contains(&kind))
                        .map(|(key, _)| key.to_string()),
                )
                .collect();
            assert_eq!(allowed, expected, "keys of `{kind}`");
        }
    }

    #[test]
    fn directions_match_the_raw_shape() {
        let error = toml::from_str::<RawChoice>("code = \"a\"\nlabel = \"A\"\ndirection = \"up\"")
            .err()
            .unwrap();
        let expected: Vec<String> = error
            .message()
            .split_once("expected ")
            .unwrap()
            .1
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect();
        assert_eq!(
            schema()["$defs"]["choice"]["properties"]["direction"]["enum"],
            serde_json::json!(expected)
        );
        // The variants themselves, so the list above is not vacuous.
        for word in ["for", "against"] {
            let choice: RawChoice = toml::from_str(&format!(
                "code = \"a\"\nlabel = \"A\"\ndirection = \"{word}\""
            ))
            .unwrap();
            assert!(matches!(
                choice.direction.map(|d| *d.get_ref()),
                Some(RawDirection::For | RawDirection::Against)
            ));
        }
    }

    /// For each sample, whether the schema and the checks agree that `make(sample)` is
    /// valid.
    fn agree(samples: &[&str], make: impl Fn(&str) -> String) {
        for sample in samples {
            let source = make(sample);
            let (_, report) = check_source("t.toml", &source);
            let errors = schema_errors(&source);
            assert_eq!(
                errors.is_empty(),
                !report.has_errors(),
                "`{sample}`: schema says {errors:#?}; checks say\n{report}"
            );
        }
    }

    #[test]
    fn patterns_for_ids_codes_and_languages_agree_with_the_checks() {
        let survey = testing::SURVEY;
        agree(&["t", "t-1", "T_2", "1t", "-t", "t.x", "t x", ""], |id| {
            survey.replacen("id = \"t\"", &format!("id = \"{id}\""), 1)
        });
        let question_ids = [
            "note",
            "n_2",
            "N",
            "2nd",
            "_n",
            "n-o",
            "n.o",
            "nöte",
            "respondent_id",
            "submitted_at",
        ];
        agree(&question_ids, |id| {
            survey.replace("id = \"note\"", &format!("id = \"{id}\""))
        });
        let codes = [
            "cost", "c-1", "c.1", "1c", "C_D", "-c", ".c", "c d", "c;d", "",
        ];
        agree(&codes, |code| {
            survey.replace("code = \"cost\"", &format!("code = \"{code}\""))
        });
        let languages = [
            "en",
            "fr",
            "pt-BR",
            "zh-Hant-TW",
            "english",
            "e",
            "en-",
            "en_GB",
        ];
        agree(&languages, |tag| {
            survey.replacen(
                "position = ",
                &format!("language = \"{tag}\"\nposition = "),
                1,
            )
        });
    }
}
