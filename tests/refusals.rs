//! A refused credential's reason names the part of the `where` that failed, judged exactly as
//! the acceptance was (a comparison on a value the catalogue does not give is false, `not in`
//! included).

use credo::decision::{Detail, Reason};

#[test]
fn the_failing_part_of_a_where_is_the_one_that_refused() {
    let policy = credo::compile_str(
        "p.credo",
        r#"
        policy "P" { version "1" effective 2020-01-01 owner "o" }
        skill s "S"
        provider p { name "P" tier trusted }
        credential c { title "C" provider p skills [s] hours 10 }
        role r {
          title "R"
          require s { accept any credential where hours >= 5 and assessment not in [completion] }
        }
        "#,
    )
    .policy
    .expect("checks");
    let entries = credo::record::read_records(
        r#"{"id": "a", "credentials": [{"id": "c", "issued": "2025-01-01"}]}"#,
        "a.json",
        credo::record::Format::Json,
        &policy,
    );
    let cand = entries[0].result.as_ref().unwrap();
    let d = credo::eval::evaluate(&policy, cand, 0, jiff::civil::date(2026, 11, 25));
    assert!(
        !d.skills[0].met,
        "the credential has no assessment: `not in` is false"
    );
    let Detail::Credentials { refused, .. } = &d.skills[0].tried[0].terms[0].detail else {
        panic!("a credentials term")
    };
    assert_eq!(
        refused[0].reason,
        Reason::WhereFailed {
            condition: "assessment not in [completion]".into()
        }
    );
}
