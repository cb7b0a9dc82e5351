//! The protected attributes (SPEC §6, §17): the built-in list, the other names they go by, and
//! the known proxies. One list for the checker, the evaluator's notes and the interviewer kit;
//! `docs/protected.md` documents it (a test keeps the two in step).

/// Attributes that are always protected (SPEC §6): rules never read them.
pub const PROTECTED: &[&str] = &[
    "age",
    "date_of_birth",
    "sex",
    "gender",
    "gender_identity",
    "sexual_orientation",
    "race",
    "ethnicity",
    "race_ethnicity",
    "color",
    "national_origin",
    "citizenship",
    "religion",
    "disability",
    "pregnancy",
    "marital_status",
    "veteran_status",
    "genetic_information",
];

/// Other names of a protected attribute (synonyms, inflections, spellings), each with the
/// attribute it names. Declaring one is the same error as declaring the attribute itself.
/// Names that are also common for something else (`single`, `military`) are left out; the
/// forms `is_X`, `has_X`, `X_status`, `X_flag` and plurals are recognised by [`protected_as`].
pub const SYNONYMS: &[(&str, &str)] = &[
    // age
    ("dob", "date_of_birth"),
    ("birthdate", "date_of_birth"),
    ("birth_date", "date_of_birth"),
    ("birthday", "date_of_birth"),
    ("date_of_birth", "date_of_birth"),
    ("age_years", "age"),
    ("years_old", "age"),
    // sex and gender
    ("male", "sex"),
    ("female", "sex"),
    ("sex_at_birth", "sex"),
    ("transgender", "gender_identity"),
    ("nonbinary", "gender_identity"),
    ("non_binary", "gender_identity"),
    ("sexuality", "sexual_orientation"),
    ("orientation", "sexual_orientation"),
    ("lgbt", "sexual_orientation"),
    ("lgbtq", "sexual_orientation"),
    // race, ethnicity, colour
    ("racial", "race"),
    ("ethnic", "ethnicity"),
    ("ethnic_group", "ethnicity"),
    ("ethnic_origin", "ethnicity"),
    ("hispanic", "ethnicity"),
    ("latino", "ethnicity"),
    ("colour", "color"),
    ("skin_color", "color"),
    ("skin_colour", "color"),
    // national origin and citizenship
    ("nationality", "national_origin"),
    ("country_of_origin", "national_origin"),
    ("country_of_birth", "national_origin"),
    ("birth_country", "national_origin"),
    ("birthplace", "national_origin"),
    ("place_of_birth", "national_origin"),
    ("immigrant", "national_origin"),
    ("immigration", "national_origin"),
    ("citizen", "citizenship"),
    // religion
    ("religious", "religion"),
    ("religious_affiliation", "religion"),
    ("faith", "religion"),
    ("denomination", "religion"),
    // disability
    ("disabled", "disability"),
    ("disabilities", "disability"),
    ("handicap", "disability"),
    ("handicapped", "disability"),
    ("impairment", "disability"),
    // pregnancy
    ("pregnant", "pregnancy"),
    ("maternity", "pregnancy"),
    // marital status
    ("married", "marital_status"),
    ("marital", "marital_status"),
    ("marriage", "marital_status"),
    ("spouse", "marital_status"),
    ("divorced", "marital_status"),
    ("widowed", "marital_status"),
    // veteran status
    ("veteran", "veteran_status"),
    ("military_veteran", "veteran_status"),
    // genetic information
    ("genetic", "genetic_information"),
    ("genetics", "genetic_information"),
    ("genetic_info", "genetic_information"),
    ("dna", "genetic_information"),
    ("family_medical_history", "genetic_information"),
];

/// Known proxies for protected attributes, with what each may stand in for: declaring one is a
/// warning, not an error.
pub const PROXIES: &[(&str, &str)] = &[
    ("graduation_year", "age"),
    ("birth_year", "age"),
    ("zip_code", "race, ethnicity or national origin"),
    ("postal_code", "race, ethnicity or national origin"),
    ("name", "sex, race, ethnicity or national origin"),
    ("first_name", "sex, race, ethnicity or national origin"),
    ("last_name", "race, ethnicity or national origin"),
    ("photo", "sex, race, age or disability"),
    ("address", "race, ethnicity or national origin"),
];

/// The built-in protected attribute that `name` is or names (case-insensitively, with the
/// inflections `is_X`, `has_X`, `X_status`, `X_flag` and a plural `s`), if any.
pub fn protected_as(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let lookup = |n: &str| -> Option<&'static str> {
        PROTECTED
            .iter()
            .find(|p| **p == n)
            .copied()
            .or_else(|| SYNONYMS.iter().find(|(s, _)| *s == n).map(|(_, p)| *p))
    };
    let mut forms = vec![lower.as_str()];
    let mut i = 0;
    while i < forms.len() {
        let f = forms[i];
        let stripped = [
            f.strip_prefix("is_"),
            f.strip_prefix("has_"),
            f.strip_suffix("_status"),
            f.strip_suffix("_flag"),
            f.strip_suffix('s').filter(|s| s.len() > 2),
        ];
        forms.extend(stripped.into_iter().flatten().filter(|s| !s.is_empty()));
        i += 1;
        if forms.len() > 32 {
            break;
        }
    }
    forms.into_iter().find_map(lookup)
}

/// What a proxy may stand in for, if `name` is a known proxy.
pub fn proxy_for(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    PROXIES.iter().find(|(p, _)| *p == lower).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_names_synonyms_and_inflections_are_protected() {
        for (name, is) in [
            ("sex", "sex"),
            ("veteran", "veteran_status"),
            ("is_veteran", "veteran_status"),
            ("veterans", "veteran_status"),
            ("pregnant", "pregnancy"),
            ("Pregnancy", "pregnancy"),
            ("disabled", "disability"),
            ("has_disability", "disability"),
            ("dob", "date_of_birth"),
            ("birth_date", "date_of_birth"),
            ("nationality", "national_origin"),
            ("religious", "religion"),
            ("ethnic", "ethnicity"),
            ("marital", "marital_status"),
            ("gender_status", "gender"),
        ] {
            assert_eq!(protected_as(name), Some(is), "{name}");
        }
    }

    #[test]
    fn skills_and_proxies_are_not_protected() {
        for name in [
            "credits",
            "enrolled",
            "years_experience",
            "graduation_year",
            "zip_code",
            "s",
            "is_",
            "",
        ] {
            assert_eq!(protected_as(name), None, "{name}");
        }
        assert_eq!(
            proxy_for("Zip_Code"),
            Some("race, ethnicity or national origin")
        );
    }

    #[test]
    fn every_synonym_names_a_built_in_attribute() {
        for (s, p) in SYNONYMS {
            assert!(PROTECTED.contains(p), "{s} → {p}");
            assert!(!PROXIES.iter().any(|(x, _)| x == s), "{s} is also a proxy");
        }
    }

    #[test]
    fn docs_protected_md_lists_every_name() {
        let doc = include_str!("../../docs/protected.md");
        let names = PROTECTED
            .iter()
            .chain(SYNONYMS.iter().map(|(s, _)| s))
            .chain(PROXIES.iter().map(|(p, _)| p));
        for name in names {
            assert!(
                doc.contains(&format!("`{name}`")),
                "docs/protected.md does not list `{name}`"
            );
        }
        for (s, p) in SYNONYMS.iter().filter(|(s, p)| s != p) {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{p}` |")))
                .unwrap_or_default();
            assert!(
                row.contains(&format!("`{s}`")),
                "docs/protected.md: `{s}` is not in the row of `{p}`"
            );
        }
    }
}
