//! The types around the operators and casts of a statement whose rewrite depends on them, with
//! PostgreSQL's typing rules: `7/2` divides integers, `date + 1` moves a day, a boolean cast to
//! text reads `true`. Read by the passes that rewrite them on targets whose operators would
//! compute otherwise.
//!
//! Everything is typed in one walk over one scope, and only what the target asks for; a
//! statement with none of the asked-for operators and casts costs one walk that stops early.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Statement, Visit, Visitor};

use super::expressions::expr_type;
use super::parameters::placeholder_index;
use super::{SchemaLookup, Scope};
use crate::PgType;

/// The PostgreSQL types of the left and right operand of one operator.
pub(crate) type OperandTypes = (Option<PgType>, Option<PgType>);

/// Which typings a target's passes read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WantedTypes {
    /// Whether each cast turns a boolean into text (`boolean_text.rs`).
    pub(crate) boolean_text_casts: bool,
    /// Whether each cast turns a numeric into text, and the scale (`numeric_text.rs`).
    pub(crate) numeric_text_casts: bool,
    /// The operand types of each `/` (`divisions.rs`).
    pub(crate) divisions: bool,
    /// The operand types of each `+` and `-` (`date_arithmetic.rs`).
    pub(crate) additions: bool,
    /// The operand types of each comparison, `*` and `/` too, in the same list
    /// (`date_arithmetic.rs`: intervals compare by span and scale by functions).
    pub(crate) comparisons: bool,
    /// The argument types of each call that builds JSON from values (`json_values.rs`).
    pub(crate) json_arguments: bool,
    /// Whether each cast to an integer type and each one-argument `round` rounds a float
    /// (`float_rounding.rs`: PostgreSQL rounds floats half to even).
    pub(crate) float_roundings: bool,
    /// The operand types of each `||` (`json_edits.rs`: jsonb concatenation).
    pub(crate) concatenations: bool,
}

impl WantedTypes {
    fn any(self) -> bool {
        self.boolean_text_casts
            || self.numeric_text_casts
            || self.divisions
            || self.additions
            || self.comparisons
            || self.json_arguments
            || self.float_roundings
            || self.concatenations
    }

    fn concatenation(self, op: &BinaryOperator) -> bool {
        self.concatenations && matches!(op, BinaryOperator::StringConcat)
    }

    fn json_builder(self, expr: &Expr) -> bool {
        self.json_arguments
            && matches!(expr, Expr::Function(function)
                if crate::passes::json_values::builds_json(&crate::passes::function_name(function)))
    }

    fn cast(self, expr: &Expr) -> bool {
        (self.boolean_text_casts || self.numeric_text_casts) && matches!(expr, Expr::Cast { .. })
    }

    fn division(self, op: &BinaryOperator) -> bool {
        self.divisions && matches!(op, BinaryOperator::Divide)
    }

    /// True when the operand types of `op` are in [`OperatorTypes::additions`].
    pub(crate) fn addition(self, op: &BinaryOperator) -> bool {
        (self.additions && matches!(op, BinaryOperator::Plus | BinaryOperator::Minus))
            || (self.comparisons
                && (is_comparison(op)
                    || matches!(op, BinaryOperator::Multiply | BinaryOperator::Divide)))
    }

    fn float_rounding(self, expr: &Expr) -> bool {
        self.float_roundings && crate::passes::float_rounding::rounded_operand(expr).is_some()
    }

    /// True when `expr` is a node some wanted typing is about.
    fn is_wanted(self, expr: &Expr) -> bool {
        match expr {
            Expr::BinaryOp { op, .. } => {
                self.division(op) || self.addition(op) || self.concatenation(op)
            }
            _ => self.cast(expr) || self.json_builder(expr) || self.float_rounding(expr),
        }
    }
}

/// The typings of one statement, each list in post-order (operands before their operator);
/// empty where not wanted.
#[derive(Debug, Default)]
pub(crate) struct OperatorTypes {
    /// For each cast, true when it casts a boolean to a text type.
    pub(crate) boolean_text_casts: Vec<bool>,
    /// For each cast, `Some` when it casts a numeric to a text type, with the scale all the
    /// numeric's values have where inference knows it.
    pub(crate) numeric_text_casts: Vec<Option<Option<u32>>>,
    /// For each `/`, the types of its operands.
    pub(crate) divisions: Vec<OperandTypes>,
    /// For each `+` and `-` (and comparison, `*` and `/`, when wanted), the types of its
    /// operands.
    pub(crate) additions: Vec<OperandTypes>,
    /// For each call that builds JSON, the type of each argument and, for a numeric, the scale
    /// all its values have where inference knows it.
    pub(crate) json_arguments: Vec<Vec<(Option<PgType>, Option<u32>)>>,
    /// For each cast to an integer type and each one-argument `round`, in post-order, true
    /// when what it rounds is a float4 or float8.
    pub(crate) float_roundings: Vec<bool>,
    /// For each `||`, the types of its operands.
    pub(crate) concatenations: Vec<OperandTypes>,
}

/// `=`, `<>`, `<`, `<=`, `>`, `>=`.
pub(crate) fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
    )
}

/// Stops at the first node a wanted typing is about.
struct Presence(WantedTypes);

impl Visitor for Presence {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.0.is_wanted(expr) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

struct Typing<'a> {
    wanted: WantedTypes,
    scope: &'a Scope<'a>,
    /// The types inference gives the statement's parameters (`total / $1` divides integers
    /// when `$1` is an integer).
    parameters: Vec<Option<PgType>>,
    types: OperatorTypes,
}

impl Typing<'_> {
    fn operand_type(&self, operand: &Expr) -> Option<PgType> {
        match placeholder_index(operand) {
            Some(index) => self.parameters.get(index - 1).copied().flatten(),
            None => expr_type(operand, self.scope),
        }
    }

    fn operands(&self, left: &Expr, right: &Expr) -> OperandTypes {
        (self.operand_type(left), self.operand_type(right))
    }
}

impl Visitor for Typing<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.wanted.float_roundings
            && let Some(operand) = crate::passes::float_rounding::rounded_operand(expr)
        {
            let from = self.operand_type(operand);
            let is_float = matches!(from, Some(PgType::Float4 | PgType::Float8));
            self.types.float_roundings.push(is_float);
        }
        if let Expr::BinaryOp { left, op, right } = expr
            && self.wanted.concatenation(op)
        {
            let operands = self.operands(left, right);
            self.types.concatenations.push(operands);
        }
        match expr {
            // A `/` may be in both lists: date arithmetic scales intervals by it.
            Expr::BinaryOp { left, op, right }
                if self.wanted.division(op) || self.wanted.addition(op) =>
            {
                let operands = self.operands(left, right);
                if self.wanted.division(op) {
                    self.types.divisions.push(operands);
                }
                if self.wanted.addition(op) {
                    self.types.additions.push(operands);
                }
            }
            Expr::Function(function) if self.wanted.json_builder(expr) => {
                let types = super::expressions::function_args(function)
                    .into_iter()
                    .map(|argument| {
                        let pg_type = self.operand_type(argument);
                        let scale = (pg_type == Some(PgType::Numeric))
                            .then(|| super::expr_scale(argument, self.scope))
                            .flatten();
                        (pg_type, scale)
                    })
                    .collect();
                self.types.json_arguments.push(types);
            }
            Expr::Cast {
                expr: operand,
                data_type,
                ..
            } if self.wanted.cast(expr) => {
                let to_text = PgType::from_data_type(data_type).is_some_and(PgType::is_text);
                let from = to_text.then(|| expr_type(operand, self.scope)).flatten();
                if self.wanted.boolean_text_casts {
                    let from_bool = from == Some(PgType::Bool);
                    self.types.boolean_text_casts.push(from_bool);
                }
                if self.wanted.numeric_text_casts {
                    let scale = (from == Some(PgType::Numeric))
                        .then(|| super::expr_scale(operand, self.scope));
                    self.types.numeric_text_casts.push(scale);
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// The `wanted` typings of `statement`. Columns resolve against every table the statement names.
/// Runs on the caller's stack (see [`super::infer_on_stack`]).
pub(crate) fn operator_types(
    statement: &Statement,
    schema: &dyn SchemaLookup,
    wanted: WantedTypes,
) -> OperatorTypes {
    if !wanted.any() || statement.visit(&mut Presence(wanted)).is_continue() {
        return OperatorTypes::default();
    }
    super::with_statement_scope(statement, schema, |scope| {
        let parameters = if wanted.divisions
            || wanted.additions
            || wanted.json_arguments
            || wanted.float_roundings
            || wanted.concatenations
        {
            super::parameter_types(statement, scope)
        } else {
            Vec::new()
        };
        let mut typing = Typing {
            wanted,
            scope,
            parameters,
            types: OperatorTypes::default(),
        };
        let _ = statement.visit(&mut typing);
        typing.types
    })
}
