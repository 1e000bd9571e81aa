//! Answering the hot leaf objects of a page — an article's tags, people,
//! organizations, events, section and photos — without async-graphql's
//! per-field machinery.
//!
//! async-graphql resolves every field of an object as a boxed future in a
//! `FuturesUnordered`, finds the resolver by comparing the field's name
//! with each field of the type in turn, and resolves every item of a list
//! as a future of its own: about a microsecond per field. A home page of
//! 20 cards has some 600 such fields that only copy a column out of a row
//! already in memory (`bench/NOTES.md`). [`Plain`] and [`PlainList`] wrap
//! such a type: when every field its selection asks for is a plain one
//! (no arguments, no directive, no named fragment, nothing to load; inline
//! fragments on the type itself, as a union's members are selected, are
//! fine), they build
//! the answer in one synchronous pass; otherwise they hand the whole
//! object to async-graphql's own resolver, which stays the one reference
//! for every field. The wrappers register the type they wrap, so the
//! schema does not change.

use std::borrow::Cow;

use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
    indexmap::IndexMap,
    parser::types::{Field, Selection, SelectionSet},
    registry::Registry,
};

/// A type whose cheap fields can be answered in one synchronous pass.
pub trait PlainFields: OutputType {
    /// The value of `field`, asked for without arguments, when it needs
    /// nothing but this value; `None` for any other field, which sends
    /// the object to async-graphql's resolver. It must answer exactly
    /// what that resolver answers (`tests/plain_fields.rs` compares them).
    fn plain_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value>;
}

/// Anything answered in one pass: a [`PlainFields`] type, or a view that
/// pairs an object with rows read for its whole list at once (a list of
/// article cards, `articles::cards`).
pub trait OnePass {
    /// The object type answered: `__typename`, and which inline fragments
    /// apply.
    fn object_type(&self) -> Cow<'static, str>;

    /// The type the field declares, when it is not the object's own (a
    /// union's name): inline fragments on it apply too.
    fn declared_type(&self) -> Cow<'static, str> {
        self.object_type()
    }

    /// As [`PlainFields::plain_field`].
    fn one_pass_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value>;
}

impl<T: PlainFields + ?Sized> OnePass for T {
    fn object_type(&self) -> Cow<'static, str> {
        self.introspection_type_name()
    }

    fn declared_type(&self) -> Cow<'static, str> {
        T::type_name()
    }

    fn one_pass_field(&self, ctx: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        self.plain_field(ctx, field)
    }
}

/// The answer to `set` on `root`, if every field of it is plain.
pub fn plain_object<T: OnePass + ?Sized>(
    root: &T,
    ctx: &ContextSelectionSet<'_>,
    set: &SelectionSet,
) -> Option<Value> {
    let mut answer = IndexMap::with_capacity(set.items.len());
    collect(root, ctx, set, &mut answer)?;
    Some(if answer.is_empty() {
        Value::Null
    } else {
        Value::Object(answer)
    })
}

/// Adds the plain answers of `set` to `answer`; `None` at the first
/// selection that is not plain.
fn collect<T: OnePass + ?Sized>(
    root: &T,
    ctx: &ContextSelectionSet<'_>,
    set: &SelectionSet,
    answer: &mut IndexMap<Name, Value>,
) -> Option<()> {
    for selection in &set.items {
        let field = match &selection.node {
            Selection::Field(field) => &field.node,
            // A union's members, as `... on ParagraphBlock { text }`.
            Selection::InlineFragment(fragment) => {
                let fragment = &fragment.node;
                if !fragment.directives.is_empty() {
                    return None;
                }
                let condition = fragment.type_condition.as_ref();
                match condition.map(|c| c.node.on.node.as_str()) {
                    None => collect(root, ctx, &fragment.selection_set.node, answer)?,
                    Some(on) if on == root.object_type() || on == root.declared_type() => {
                        collect(root, ctx, &fragment.selection_set.node, answer)?
                    }
                    // Another member of the union, or an interface.
                    Some(on) if implements(ctx, &root.object_type(), on) => {
                        return None;
                    }
                    Some(_) => {}
                }
                continue;
            }
            Selection::FragmentSpread(_) => return None,
        };
        let key = field.response_key().node.clone();
        // A custom directive wraps its field's resolver; a repeated key
        // is merged by async-graphql: both are left to it.
        if !field.directives.is_empty() || answer.contains_key(&key) {
            return None;
        }
        let value = if field.name.node == "__typename" {
            Value::String(root.object_type().into_owned())
        } else if field.arguments.is_empty() {
            root.one_pass_field(ctx, field)?
        } else {
            return None;
        };
        answer.insert(key, value);
    }
    Some(())
}

/// Whether the object type `object` implements the interface `interface`.
fn implements(ctx: &ContextSelectionSet<'_>, object: &str, interface: &str) -> bool {
    ctx.schema_env
        .registry
        .implements
        .get(object)
        .is_some_and(|interfaces| interfaces.contains(interface))
}

/// A nested object's answer, for a [`PlainFields`] impl whose field
/// returns another plain type.
pub fn plain_child<T: OnePass>(
    child: &T,
    ctx: &ContextSelectionSet<'_>,
    field: &Field,
) -> Option<Value> {
    plain_object(child, ctx, &field.selection_set.node)
}

/// The answers of a list of nested objects, for a field that returns a
/// list of plain objects.
pub fn plain_items<'a, T: OnePass + 'a>(
    items: impl IntoIterator<Item = &'a T>,
    ctx: &ContextSelectionSet<'_>,
    field: &Field,
) -> Option<Value> {
    let items: Option<Vec<Value>> = items
        .into_iter()
        .map(|item| plain_child(item, ctx, field))
        .collect();
    items.map(Value::List)
}

/// An optional value as async-graphql answers it: `null` when absent.
pub fn or_null<T>(value: Option<T>, to_value: impl FnOnce(T) -> Value) -> Value {
    value.map_or(Value::Null, to_value)
}

/// `T`, answered in one pass when its selection is plain.
pub struct Plain<T>(pub T);

impl<T: PlainFields> OutputType for Plain<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match plain_object(&self.0, ctx, &ctx.item.node) {
            Some(answer) => Ok(answer),
            None => self.0.resolve(ctx, field).await,
        }
    }
}

/// A list of `T`, answered in one pass when its items' selection is
/// plain; registered as `[T!]!`, as a `Vec<T>` is.
pub struct PlainList<T>(pub Vec<T>);

impl<T: PlainFields> FromIterator<T> for PlainList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Self(items.into_iter().collect())
    }
}

impl<T: PlainFields> OutputType for PlainList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let items: Option<Vec<Value>> = self
            .0
            .iter()
            .map(|item| plain_object(item, ctx, &ctx.item.node))
            .collect();
        match items {
            Some(items) => Ok(Value::List(items)),
            None => self.0.resolve(ctx, field).await,
        }
    }
}
