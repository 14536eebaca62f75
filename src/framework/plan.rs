//! Plan rules, after terraform-plugin-framework's plan modifiers: the derive writes
//! [`PlanRules`] from each attribute's mode and options, the framework applies them, and a
//! resource adjusts only what is its own (`Resource::modify_plan`).

/// A model whose plan follows its attributes' rules (`#[schema(resource)]`):
/// - a configured attribute takes its configuration, or its `default` when left out (an
///   `optional_computed` one without default keeps its prior value);
/// - a change of a `requires_replace` attribute replaces the object;
/// - a computed attribute is unknown in a new or replaced object, keeps its prior value with
///   `use_state_for_unknown`, and otherwise only while nothing configured changes.
pub trait PlanRules: Sized {
    /// The attributes whose change replaces the object.
    const REQUIRES_REPLACE: &'static [&'static str];

    /// The configured attributes that differ between two states.
    fn changes(prior: &Self, planned: &Self) -> Changes;

    /// The plan for `config`, over `prior` (`None` for a create).
    fn planned(prior: Option<&Self>, config: &Self) -> Planned<Self>;
}

/// The configured attributes a plan changes, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes(Vec<&'static str>);

impl Changes {
    pub fn push(&mut self, name: &'static str) {
        self.0.push(name);
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(&name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Those of `names` that changed, in the order they changed.
    pub fn among(&self, names: &[&'static str]) -> Vec<&'static str> {
        self.0
            .iter()
            .copied()
            .filter(|n| names.contains(n))
            .collect()
    }
}

/// A planned new state, what it changes, and the attributes whose change replaces the object.
#[derive(Debug, Clone)]
pub struct Planned<M> {
    pub state: M,
    pub changes: Changes,
    pub requires_replace: Vec<&'static str>,
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::framework::{Attributes, Field};

    /// Every kind of attribute the rules tell apart.
    #[derive(
        Debug, Clone, Default, PartialEq, Serialize, Deserialize, crate::framework::Schema,
    )]
    #[schema(resource, version = 0, description = "A thing.")]
    struct Thing {
        #[attr(required, requires_replace, description = "Its key.")]
        key: Field<String>,
        #[attr(optional, description = "Its size.")]
        size: Field<i64>,
        #[attr(optional_computed, description = "Its label, kept when left out.")]
        label: Field<String>,
        #[attr(optional_computed, default = 3, description = "Its level.")]
        level: Field<i64>,
        #[attr(computed, use_state_for_unknown, description = "Its id.")]
        id: Field<String>,
        #[attr(computed, description = "When it last changed.")]
        stamp: Field<i64>,
    }

    fn config(key: &str, size: i64) -> Thing {
        Thing {
            key: key.into(),
            size: Field::Known(size),
            ..Thing::default()
        }
    }

    fn prior() -> Thing {
        Thing {
            label: "x".into(),
            level: Field::Known(3),
            id: "id-1".into(),
            stamp: Field::Known(7),
            ..config("a", 1)
        }
    }

    #[test]
    fn a_create_knows_only_configuration_and_defaults() {
        let plan = Thing::planned(None, &config("a", 1));
        assert_eq!(plan.state.level, Field::Known(3));
        assert!(plan.state.label.is_unknown());
        assert!(plan.state.id.is_unknown() && plan.state.stamp.is_unknown());
        assert!(plan.changes.is_empty() && plan.requires_replace.is_empty());
    }

    #[test]
    fn nothing_changed_keeps_the_prior_state() {
        let plan = Thing::planned(Some(&prior()), &config("a", 1));
        assert_eq!(plan.state, prior());
        assert!(plan.changes.is_empty());
    }

    #[test]
    fn an_in_place_change_keeps_only_use_state_for_unknown() {
        let plan = Thing::planned(Some(&prior()), &config("a", 2));
        assert!(plan.changes.contains(Thing::SIZE));
        assert!(plan.requires_replace.is_empty());
        assert_eq!(plan.state.id, Field::Known("id-1".to_owned()));
        assert!(plan.state.stamp.is_unknown());
        assert_eq!(plan.state.label, Field::Known("x".to_owned()));
    }

    #[test]
    fn a_requires_replace_change_makes_every_computed_value_unknown() {
        let plan = Thing::planned(Some(&prior()), &config("b", 1));
        assert_eq!(plan.requires_replace, vec![Thing::KEY]);
        assert!(plan.state.id.is_unknown() && plan.state.stamp.is_unknown());
    }

    #[test]
    fn the_schema_is_the_fields() {
        let names: Vec<_> = Thing::ATTRIBUTES.iter().map(|a| a.name).collect();
        assert_eq!(names, ["key", "size", "label", "level", "id", "stamp"]);
        assert_eq!(Thing::REQUIRES_REPLACE, [Thing::KEY]);
    }
}
