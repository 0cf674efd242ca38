//! How the spec writes an enum component: closed (`type: string` with `enum`, a value the
//! client chooses) or open (`type: string` with `x-extensible-enum`, the server's own, which may
//! gain values). An open enum validates any string, so every generator reads it as a string and
//! decodes values it does not list; the crate's generated open enum keeps them in `Unknown`.

use serde_json::Value;

/// The values of an enum schema and where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnumForm {
    /// The values, as written.
    pub values: Vec<String>,
    /// The JSON pointer of the keyword listing them, relative to the schema (`/enum`,
    /// `/x-extensible-enum`).
    pub at: String,
    /// Open: `x-extensible-enum`, any other string is valid too. Closed: `enum`.
    pub open: bool,
}

/// Reads an enum schema, closed or open. Anything else is not an enum.
pub(crate) fn enum_of(schema: &Value) -> Option<EnumForm> {
    let list = |e: &Value| -> Vec<String> {
        e.as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect()
    };
    let (key, open) = if schema.get("x-extensible-enum").is_some() {
        ("x-extensible-enum", true)
    } else {
        ("enum", false)
    };
    let values = schema.get(key)?;
    // `{nullable: true, enum: [null]}` is the null branch of a nullable reference.
    if !open && values.as_array()?.iter().all(Value::is_null) {
        return None;
    }
    Some(EnumForm {
        values: list(values),
        at: format!("/{key}"),
        open,
    })
}
