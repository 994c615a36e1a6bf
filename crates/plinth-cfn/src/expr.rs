//! Typed intrinsic functions.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// Pseudo parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pseudo {
    /// `AWS::AccountId`.
    AccountId,
    /// `AWS::Region`.
    Region,
    /// `AWS::Partition`.
    Partition,
    /// `AWS::StackName`.
    StackName,
    /// `AWS::URLSuffix`.
    UrlSuffix,
}

impl Pseudo {
    /// The pseudo parameter's name.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }
}

/// A CloudFormation intrinsic function call.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `Ref` to a resource or parameter.
    Ref(String),
    /// `Ref` to a pseudo parameter.
    Pseudo(Pseudo),
    /// `Fn::GetAtt`.
    GetAtt(String, String),
    /// `Fn::Sub` with `${…}` placeholders resolved against the template.
    Sub(String),
    /// `Fn::Sub` with explicit variables.
    SubWith(String, BTreeMap<String, Value>),
    /// `Fn::Join`.
    Join(String, Vec<Value>),
    /// `Fn::ImportValue` of an export name.
    Import(String),
    /// `Fn::Split` of an imported comma-separated list.
    SplitImport(String),
    /// `Fn::Select`.
    Select(usize, Box<Value>),
}

impl Expr {
    /// `Ref` to a logical id.
    pub fn r(logical_id: &str) -> Value {
        Expr::Ref(logical_id.to_owned()).into()
    }

    /// `Fn::GetAtt` of a logical id's attribute.
    pub fn att(logical_id: &str, attribute: &str) -> Value {
        Expr::GetAtt(logical_id.to_owned(), attribute.to_owned()).into()
    }

    /// `Fn::Sub`.
    pub fn sub(text: impl Into<String>) -> Value {
        Expr::Sub(text.into()).into()
    }

    /// `Fn::ImportValue` of an export name.
    pub fn import(export: impl Into<String>) -> Value {
        Expr::Import(export.into()).into()
    }

    /// A comma-separated export imported as a list.
    pub fn import_list(export: impl Into<String>) -> Value {
        Expr::SplitImport(export.into()).into()
    }

    /// `Fn::Join` with `,`.
    pub fn join_commas(items: Vec<Value>) -> Value {
        Expr::Join(",".into(), items).into()
    }

    /// An ARN in the stack's partition: `arn:${AWS::Partition}:{rest}`.
    pub fn arn(rest: &str) -> Value {
        Expr::sub(format!("arn:${{AWS::Partition}}:{rest}"))
    }
}

impl From<Pseudo> for Value {
    fn from(p: Pseudo) -> Self {
        Expr::Pseudo(p).into()
    }
}

impl From<Expr> for Value {
    fn from(e: Expr) -> Self {
        match e {
            Expr::Ref(id) => json!({ "Ref": id }),
            Expr::Pseudo(p) => json!({ "Ref": p.name() }),
            Expr::GetAtt(id, attr) => json!({ "Fn::GetAtt": [id, attr] }),
            Expr::Sub(text) => json!({ "Fn::Sub": text }),
            Expr::SubWith(text, vars) => json!({ "Fn::Sub": [text, vars] }),
            Expr::Join(sep, items) => json!({ "Fn::Join": [sep, items] }),
            Expr::Import(name) => json!({ "Fn::ImportValue": name }),
            Expr::SplitImport(name) => json!({ "Fn::Split": [",", { "Fn::ImportValue": name }] }),
            Expr::Select(i, v) => json!({ "Fn::Select": [i.to_string(), v] }),
        }
    }
}
