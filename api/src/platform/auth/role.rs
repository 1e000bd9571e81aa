//! Who a verified token names: the user and the roles they hold.

/// What a signed-in user may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Writer,
    Editor,
    Admin,
    /// Read-only syndication access.
    Partner,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Writer, Role::Editor, Role::Admin, Role::Partner];

    /// Reads a role name as found in tokens (`writer`, `editor`, …).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "writer" => Some(Role::Writer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            "partner" => Some(Role::Partner),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Editor => "editor",
            Role::Admin => "admin",
            Role::Partner => "partner",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verified bearer of a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The token's `sub`.
    pub sub: String,
    pub roles: Vec<Role>,
}

impl User {
    /// Whether the user holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}
