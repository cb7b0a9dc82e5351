//! The posting as a self-contained HTML page: inline styles, no scripts but the schema.org
//! JSON-LD data block, no network. Every piece of policy text is escaped.

use super::sections::{blocks, Block, Inline};
use super::Posting;

const STYLE: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;\
max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}\
h2{font-size:1.5rem}h3{font-size:1.2rem;margin-top:1.8rem}h4{font-size:1rem;margin-bottom:.3rem}\
ul{margin-top:.3rem}li ul{color:#444;font-size:.95em}.credo-source{color:#666;font-size:.85em}";

/// The role's "what we look for" section as a complete HTML document.
pub fn html(p: &Posting<'_>) -> String {
    let mut body = String::new();
    for block in blocks(p) {
        match block {
            Block::Heading(level, text) => {
                body.push_str(&format!("<h{level}>{}</h{level}>\n", escape(&text)));
            }
            Block::Para(inlines) => {
                let em_only = inlines.iter().all(|i| matches!(i, Inline::Em(_)));
                body.push_str(if em_only {
                    "<p class=\"credo-source\">"
                } else {
                    "<p>"
                });
                for i in inlines {
                    match i {
                        Inline::Text(t) => body.push_str(&escape(&t)),
                        Inline::Strong(t) => {
                            body.push_str(&format!("<strong>{}</strong>", escape(&t)));
                        }
                        Inline::Em(t) => body.push_str(&format!("<em>{}</em>", escape(&t))),
                    }
                }
                body.push_str("</p>\n");
            }
            Block::List(items) => {
                body.push_str("<ul>\n");
                for item in items {
                    body.push_str(&format!("<li>{}", escape(&item.text)));
                    if !item.sub.is_empty() {
                        body.push_str("\n<ul>\n");
                        for sub in &item.sub {
                            body.push_str(&format!("<li>{}</li>\n", escape(sub)));
                        }
                        body.push_str("</ul>\n");
                    }
                    body.push_str("</li>\n");
                }
                body.push_str("</ul>\n");
            }
        }
    }
    let data = serde_json::to_string_pretty(&super::jsonld(p)).unwrap_or_else(|_| "{}".into());
    let data = crate::visible::json_visible(&data);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}: what we look for</title>\n<style>{STYLE}</style>\n\
         <script type=\"application/ld+json\">\n{data}\n</script>\n</head>\n<body>\n\
         <section class=\"credo-posting\">\n{body}</section>\n</body>\n</html>\n",
        title = escape(&p.role.title),
        data = script_safe(&data),
    )
}

/// Escapes text for HTML element content and attribute values (the audit report's escape).
pub(crate) fn escape(text: &str) -> String {
    crate::render::html::esc(text)
}

/// JSON that cannot end its `<script>` element early: `<`, `>` and `&` as `\u` escapes, which
/// JSON readers decode back to the same text.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
