//! Reading the roles out of verified claims.

use serde_json::{Map, Value};

use super::role::Role;

/// The roles named by the claims: at `path` (a claim name, or a dotted path
/// such as `realm_access.roles`), or in `role` and `roles` when no path is
/// configured. A value may be a string or an array of strings; unknown
/// names are ignored, duplicates dropped, the order kept.
pub(crate) fn roles(claims: &Map<String, Value>, path: Option<&str>) -> Vec<Role> {
    let mut roles = Vec::new();
    let mut add = |value: Option<&Value>| {
        for role in value
            .into_iter()
            .flat_map(role_names)
            .filter_map(Role::parse)
        {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    };
    match path.map(str::trim).filter(|path| !path.is_empty()) {
        Some(path) => add(lookup(claims, path)),
        None => {
            add(claims.get("role"));
            add(claims.get("roles"));
        }
    }
    roles
}

/// The value at `path`: the claim of that exact name if there is one (Auth0
/// namespaces its claims with URLs, dots included), else the dotted path.
fn lookup<'a>(claims: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(value) = claims.get(path) {
        return Some(value);
    }
    let mut segments = path.split('.');
    let mut value = claims.get(segments.next()?)?;
    for segment in segments {
        value = value.as_object()?.get(segment)?;
    }
    Some(value)
}

/// Role names in a claim value: a string (several names may be separated by
/// spaces or commas) or an array of strings; anything else names none.
fn role_names(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => split_names(text).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .flat_map(split_names)
            .collect(),
        _ => Vec::new(),
    }
}

fn split_names(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde_json::json;

    use super::*;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn role_and_roles_by_default() {
        let c = claims(json!({ "role": "Editor", "roles": ["writer", "editor", "janitor", 3] }));
        assert_eq!(roles(&c, None), vec![Role::Editor, Role::Writer]);
        let c = claims(json!({ "roles": "admin partner" }));
        assert_eq!(roles(&c, None), vec![Role::Admin, Role::Partner]);
        assert!(roles(&claims(json!({ "scope": "admin" })), None).is_empty());
    }

    #[test]
    fn nested_and_namespaced_paths() {
        let c = claims(json!({
            "role": "admin",
            "realm_access": { "roles": ["offline_access", "writer"] },
            "https://toasoan.example/roles": ["partner"],
        }));
        assert_eq!(roles(&c, Some("realm_access.roles")), vec![Role::Writer]);
        assert_eq!(
            roles(&c, Some("https://toasoan.example/roles")),
            vec![Role::Partner]
        );
        // A configured path replaces the defaults.
        assert!(roles(&c, Some("realm_access.missing")).is_empty());
        assert!(roles(&c, Some("role.deeper")).is_empty());
        assert_eq!(roles(&c, Some(" ")), vec![Role::Admin]);
    }
}
