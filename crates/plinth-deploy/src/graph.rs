//! The stack dependency graph: which stacks wait for which, in what order they are created and
//! in what order they are deleted. Pure.

use std::collections::BTreeSet;

/// Stacks and the stacks each one needs, by index into `names`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackGraph {
    names: Vec<String>,
    needs: Vec<BTreeSet<usize>>,
}

/// A dependency names a stack that is not in the graph, or the dependencies form a cycle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// `stack` depends on `missing`, which is not part of the assembly.
    #[error("stack {stack} depends on {missing}, which is not part of the platform")]
    Unknown {
        /// The dependent stack.
        stack: String,
        /// The dependency that was not found.
        missing: String,
    },
    /// The stacks depend on each other in a loop.
    #[error("stacks depend on each other in a loop: {0}")]
    Cycle(String),
}

impl StackGraph {
    /// Builds the graph from `(name, depends_on)` pairs.
    pub fn new<'a>(
        stacks: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Result<Self, GraphError> {
        let stacks: Vec<(&str, &[String])> = stacks.into_iter().collect();
        let names: Vec<String> = stacks.iter().map(|(n, _)| (*n).to_owned()).collect();
        let mut needs = Vec::with_capacity(stacks.len());
        for (name, deps) in &stacks {
            let mut set = BTreeSet::new();
            for d in *deps {
                let i = names
                    .iter()
                    .position(|n| n == d)
                    .ok_or_else(|| GraphError::Unknown {
                        stack: (*name).to_owned(),
                        missing: d.clone(),
                    })?;
                set.insert(i);
            }
            needs.push(set);
        }
        let graph = Self { names, needs };
        graph.creation_order()?;
        Ok(graph)
    }

    /// Stack names, in the order given.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Index of a stack by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The stacks stack `i` needs.
    pub fn needs(&self, i: usize) -> &BTreeSet<usize> {
        &self.needs[i]
    }

    /// The stacks that need stack `i`.
    pub fn needed_by(&self, i: usize) -> BTreeSet<usize> {
        (0..self.names.len())
            .filter(|&j| self.needs[j].contains(&i))
            .collect()
    }

    /// Every stack `i` needs, directly or through others.
    pub fn needs_transitively(&self, i: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<usize> = self.needs[i].iter().copied().collect();
        while let Some(j) = todo.pop() {
            if seen.insert(j) {
                todo.extend(self.needs[j].iter().copied());
            }
        }
        seen
    }

    /// Stacks grouped in levels: every stack's dependencies are in earlier levels, so the
    /// stacks of one level can be created in parallel.
    pub fn levels(&self) -> Vec<Vec<usize>> {
        let mut level = vec![0usize; self.names.len()];
        for i in self.creation_order().expect("checked in new") {
            level[i] = self.needs[i]
                .iter()
                .map(|&d| level[d] + 1)
                .max()
                .unwrap_or(0);
        }
        let depth = level.iter().copied().max().map_or(0, |m| m + 1);
        let mut levels = vec![Vec::new(); depth];
        for (i, l) in level.into_iter().enumerate() {
            levels[l].push(i);
        }
        levels
    }

    /// A creation order (dependencies first), stable with respect to the given order.
    pub fn creation_order(&self) -> Result<Vec<usize>, GraphError> {
        let mut done = vec![false; self.names.len()];
        let mut order = Vec::with_capacity(self.names.len());
        while order.len() < self.names.len() {
            let next =
                (0..self.names.len()).find(|&i| !done[i] && self.needs[i].iter().all(|&d| done[d]));
            let Some(i) = next else {
                let left: Vec<&str> = (0..self.names.len())
                    .filter(|&i| !done[i])
                    .map(|i| self.names[i].as_str())
                    .collect();
                return Err(GraphError::Cycle(left.join(", ")));
            };
            done[i] = true;
            order.push(i);
        }
        Ok(order)
    }

    /// A deletion order: every stack goes before the stacks it needs.
    pub fn deletion_order(&self) -> Vec<usize> {
        let mut order = self.creation_order().expect("checked in new");
        order.reverse();
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(spec: &[(&str, &[&str])]) -> Result<StackGraph, GraphError> {
        let owned: Vec<(String, Vec<String>)> = spec
            .iter()
            .map(|(n, d)| ((*n).to_owned(), d.iter().map(|s| (*s).to_owned()).collect()))
            .collect();
        StackGraph::new(owned.iter().map(|(n, d)| (n.as_str(), d.as_slice())))
    }

    #[test]
    fn platform_levels_put_cluster_and_data_side_by_side() {
        let g = graph(&[
            ("network", &[]),
            ("cluster", &["network"]),
            ("data", &["network"]),
            ("bindings", &["cluster", "data"]),
        ])
        .unwrap();
        assert_eq!(g.levels(), vec![vec![0], vec![1, 2], vec![3]]);
        assert_eq!(g.deletion_order(), vec![3, 2, 1, 0]);
        assert_eq!(g.needs_transitively(3), BTreeSet::from([0, 1, 2]));
        assert_eq!(g.needed_by(0), BTreeSet::from([1, 2]));
    }

    #[test]
    fn order_follows_dependencies_not_listing() {
        let g = graph(&[("b", &["a"]), ("a", &[])]).unwrap();
        assert_eq!(g.creation_order().unwrap(), vec![1, 0]);
        assert_eq!(g.deletion_order(), vec![0, 1]);
    }

    #[test]
    fn unknown_dependency_and_cycles_are_errors() {
        assert_eq!(
            graph(&[("a", &["x"])]).unwrap_err(),
            GraphError::Unknown {
                stack: "a".into(),
                missing: "x".into()
            }
        );
        assert!(matches!(
            graph(&[("a", &["b"]), ("b", &["a"])]),
            Err(GraphError::Cycle(_))
        ));
    }
}
