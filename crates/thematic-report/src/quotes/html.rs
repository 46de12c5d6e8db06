//! The quote table as a standalone HTML page.

use super::QuoteTable;
use thematic_codebook::xml_escape as esc;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}\
table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #ccc;padding:.4em .6em;vertical-align:top;text-align:left}\
thead th{border-bottom:2px solid #333}\
tr.group th{background:#f3f3f3;font-weight:bold}\
td.quote{width:65%}td.who{white-space:nowrap}";

impl QuoteTable {
    /// The quote table as one UTF-8 HTML page with a small style sheet: a table of Theme,
    /// Quote and Participant, each group a shaded row across it, each theme's label spanning
    /// its quotes' rows. Text is escaped (`&`, `<`, `>`, `"`, `'`), so a transcript cannot
    /// add markup or scripts to the page; line breaks become `<br/>`. The page is also
    /// well-formed XML.
    pub fn to_html(&self) -> String {
        let mut s = String::with_capacity(1024 + self.len() * 240);
        s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        s.push_str(&format!("<title>{}</title>\n", esc(&self.title)));
        s.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
        s.push_str(&format!("<h1>{}</h1>\n", esc(&self.title)));
        s.push_str(&format!("<p>{}.</p>\n", esc(&self.about())));
        s.push_str("<table>\n<thead><tr><th>Theme</th><th>Quote</th><th>Participant</th></tr></thead>\n<tbody>\n");
        for (_, new, t) in self.sections() {
            for a in new {
                s.push_str(&format!(
                    "<tr class=\"group\"><th colspan=\"3\">{}</th></tr>\n",
                    esc(&a.label)
                ));
            }
            for (i, q) in t.quotes.iter().enumerate() {
                s.push_str("<tr>");
                if i == 0 {
                    s.push_str(&format!(
                        "<td rowspan=\"{}\" class=\"theme\">{}</td>",
                        t.quotes.len(),
                        esc(&t.theme.label)
                    ));
                }
                s.push_str(&format!(
                    "<td class=\"quote\">{}</td><td class=\"who\">{}</td></tr>\n",
                    esc(&q.text).replace('\n', "<br/>"),
                    esc(&q.attribution)
                ));
            }
        }
        s.push_str("</tbody>\n</table>\n</body>\n</html>\n");
        s
    }
}
