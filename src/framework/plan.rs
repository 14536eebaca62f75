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
