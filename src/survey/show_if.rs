//! `show_if`: a small expression language over earlier answers.
//!
//! ```text
//! expr   := and ("or" and)*
//! and    := unary ("and" unary)*
//! unary  := "not" unary | atom
//! atom   := "(" expr ")"
//!         | "answered" "(" name ")"
//!         | name ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
//!         | name "in" "[" literal ("," literal)* "]"
//!         | name "contains" literal
//! name   := question | question "." row           (a matrix row)
//! literal:= 'code' | "code" | number
//! ```
//!
//! Parsing gives an [`Ast`] with byte spans into the expression; the survey checks resolve
//! it against the questions into a [`Cond`], which every stage evaluates the same way. A
//! comparison with an unanswered question is false, whatever the operator (so
//! `q != 'a'` does not hold for someone who skipped `q`; write `not (q == 'a')` for that).

use std::fmt;
use std::ops::Range;

pub type Span = Range<usize>;

/// Deepest nesting of parentheses and `not` accepted, so a hostile definition cannot
/// exhaust the stack.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    pub fn is_ordering(self) -> bool {
        !matches!(self, Op::Eq | Op::Ne)
    }

    /// Whether `a op b`.
    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// A question (and, for a matrix, one of its rows) as written in an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub question: String,
    pub row: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Code(String, Span),
    Number(f64, Span),
}

impl Literal {
    pub fn span(&self) -> Span {
        match self {
            Literal::Code(_, s) | Literal::Number(_, s) => s.clone(),
        }
    }
}

/// The expression as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    Or(Vec<Ast>),
    And(Vec<Ast>),
    Not(Box<Ast>),
    Answered(Name),
    Compare { name: Name, op: Op, value: Literal },
    In { name: Name, values: Vec<Literal> },
    Contains { name: Name, value: Literal },
}

/// A syntax error, at a span of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Code(String),
    Number(f64),
    Op(Op),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Dot,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(s) => write!(f, "`{s}`"),
            Token::Code(s) => write!(f, "'{s}'"),
            Token::Number(n) => write!(f, "{n}"),
            Token::Op(op) => write!(f, "`{}`", op.as_str()),
            Token::Open => f.write_str("`(`"),
            Token::Close => f.write_str("`)`"),
            Token::OpenBracket => f.write_str("`[`"),
            Token::CloseBracket => f.write_str("`]`"),
            Token::Comma => f.write_str("`,`"),
            Token::Dot => f.write_str("`.`"),
        }
    }
}

fn error(message: impl Into<String>, span: Span, help: Option<&str>) -> ParseError {
    ParseError {
        message: message.into(),
        span,
        help: help.map(str::to_string),
    }
}

fn lex(src: &str) -> Result<Vec<(Token, Span)>, ParseError> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |t: Token| (t, start..start + 1);
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => tokens.push(single(Token::Open)),
            b')' => tokens.push(single(Token::Close)),
            b'[' => tokens.push(single(Token::OpenBracket)),
            b']' => tokens.push(single(Token::CloseBracket)),
            b',' => tokens.push(single(Token::Comma)),
            b'.' if !bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                tokens.push(single(Token::Dot))
            }
            b'=' | b'!' | b'<' | b'>' => {
                let next = bytes.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    (b'=', Some(b'=')) => (Op::Eq, 2),
                    (b'!', Some(b'=')) => (Op::Ne, 2),
                    (b'<', Some(b'=')) => (Op::Le, 2),
                    (b'>', Some(b'=')) => (Op::Ge, 2),
                    (b'<', _) => (Op::Lt, 1),
                    (b'>', _) => (Op::Gt, 1),
                    (b'=', _) => {
                        return Err(error(
                            "`=` is not an operator",
                            start..start + 1,
                            Some("did you mean `==`?"),
                        ));
                    }
                    _ => {
                        return Err(error(
                            "`!` is not an operator",
                            start..start + 1,
                            Some("write `not` to negate, or `!=` for not equal"),
                        ));
                    }
                };
                tokens.push((Token::Op(op), start..start + len));
                i += len;
                continue;
            }
            b'&' | b'|' => {
                let word = if c == b'&' { "and" } else { "or" };
                let len = if bytes.get(i + 1) == Some(&c) { 2 } else { 1 };
                return Err(error(
                    format!("`{}` is not an operator", &src[start..start + len]),
                    start..start + len,
                    Some(&format!("write `{word}`")),
                ));
            }
            b'\'' | b'"' => {
                let Some(end) = src[i + 1..].find(c as char) else {
                    return Err(error(
                        "unclosed quote",
                        start..src.len(),
                        Some("close the code with the same quote it opens with"),
                    ));
                };
                let code = &src[i + 1..i + 1 + end];
                tokens.push((Token::Code(code.to_string()), start..i + end + 2));
                i += end + 2;
                continue;
            }
            b'-' | b'0'..=b'9' | b'.' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                    j += 1;
                }
                let text = &src[i..j];
                let Ok(n) = text.parse::<f64>() else {
                    return Err(error(format!("`{text}` is not a number"), i..j, None));
                };
                tokens.push((Token::Number(n), i..j));
                i = j;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                tokens.push((Token::Ident(src[i..j].to_string()), i..j));
                i = j;
                continue;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(error(
                    format!("unexpected `{ch}`"),
                    i..i + ch.len_utf8(),
                    Some("codes go in quotes: stance == 'lean_against'"),
                ));
            }
        }
        i += 1;
    }
    Ok(tokens)
}

const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "contains", "answered"];

struct Parser<'a> {
    tokens: Vec<(Token, Span)>,
    at: usize,
    end: usize,
    src: &'a str,
    depth: usize,
}

/// Parses an expression; spans are byte offsets into `src`.
pub fn parse(src: &str) -> Result<Ast, ParseError> {
    let tokens = lex(src)?;
    if tokens.is_empty() {
        return Err(error(
            "the condition is empty",
            0..src.len(),
            Some("e.g. stance != 'it_depends'"),
        ));
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        end: src.len(),
        src,
        depth: 0,
    };
    let ast = parser.or()?;
    if let Some((token, span)) = parser.peek() {
        let help = if matches!(token, Token::Ident(_)) {
            Some("join conditions with `and` or `or`")
        } else {
            None
        };
        return Err(error(
            format!("unexpected {token} after a complete condition"),
            span,
            help,
        ));
    }
    Ok(ast)
}

impl Parser<'_> {
    fn peek(&self) -> Option<(Token, Span)> {
        self.tokens.get(self.at).cloned()
    }

    fn next(&mut self) -> Option<(Token, Span)> {
        let t = self.peek();
        self.at += 1;
        t
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some((Token::Ident(w), _)) if w == word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// The span just past the last token, for "expected … at the end".
    fn end_span(&self) -> Span {
        self.end..self.end
    }

    fn expect(&mut self, want: Token, what: &str) -> Result<Span, ParseError> {
        match self.next() {
            Some((t, span)) if t == want => Ok(span),
            Some((t, span)) => Err(error(format!("expected {what}, found {t}"), span, None)),
            None => Err(error(
                format!("expected {what} at the end"),
                self.end_span(),
                None,
            )),
        }
    }

    fn deeper(&mut self, span: Span) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                format!("the condition nests deeper than {MAX_DEPTH} levels"),
                span,
                None,
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Ast, ParseError> {
        let mut parts = vec![self.and()?];
        while self.keyword("or") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Ast, ParseError> {
        let mut parts = vec![self.unary()?];
        while self.keyword("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Ast, ParseError> {
        if let Some((Token::Ident(w), span)) = self.peek() {
            if w == "not" {
                self.at += 1;
                self.deeper(span)?;
                let inner = self.unary()?;
                self.depth -= 1;
                return Ok(Ast::Not(Box::new(inner)));
            }
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Ast, ParseError> {
        let Some((token, span)) = self.next() else {
            return Err(error(
                "expected a condition at the end",
                self.end_span(),
                Some("e.g. answered(q) or stance == 'it_depends'"),
            ));
        };
        match token {
            Token::Open => {
                self.deeper(span)?;
                let inner = self.or()?;
                self.depth -= 1;
                self.expect(Token::Close, "`)`")?;
                Ok(inner)
            }
            Token::Ident(w) if w == "answered" => {
                self.expect(Token::Open, "`(` after `answered`")?;
                let name = self.name()?;
                self.expect(Token::Close, "`)`")?;
                Ok(Ast::Answered(name))
            }
            Token::Ident(_) => {
                self.at -= 1;
                let name = self.name()?;
                self.after_name(name)
            }
            other => Err(error(
                format!("expected a question id, found {other}"),
                span,
                Some("a condition starts with a question id, `answered(…)`, `not` or `(`"),
            )),
        }
    }

    fn name(&mut self) -> Result<Name, ParseError> {
        match self.next() {
            Some((Token::Ident(question), span)) if !KEYWORDS.contains(&question.as_str()) => {
                if matches!(self.peek(), Some((Token::Dot, _))) {
                    self.at += 1;
                    match self.next() {
                        Some((Token::Ident(row), row_span)) => Ok(Name {
                            question,
                            row: Some(row),
                            span: span.start..row_span.end,
                        }),
                        Some((t, s)) => Err(error(
                            format!("expected a matrix row after `.`, found {t}"),
                            s,
                            None,
                        )),
                        None => Err(error(
                            "expected a matrix row after `.`",
                            self.end_span(),
                            None,
                        )),
                    }
                } else {
                    Ok(Name {
                        question,
                        row: None,
                        span,
                    })
                }
            }
            Some((Token::Ident(word), span)) => Err(error(
                format!("expected a question id, found the keyword `{word}`"),
                span,
                None,
            )),
            Some((t, span)) => Err(error(
                format!("expected a question id, found {t}"),
                span,
                None,
            )),
            None => Err(error(
                "expected a question id at the end",
                self.end_span(),
                None,
            )),
        }
    }

    fn after_name(&mut self, name: Name) -> Result<Ast, ParseError> {
        match self.next() {
            Some((Token::Op(op), _)) => Ok(Ast::Compare {
                name,
                op,
                value: self.literal()?,
            }),
            Some((Token::Ident(w), _)) if w == "in" => {
                self.expect(Token::OpenBracket, "`[` after `in`")?;
                let mut values = vec![self.literal()?];
                loop {
                    match self.next() {
                        Some((Token::Comma, _)) => values.push(self.literal()?),
                        Some((Token::CloseBracket, _)) => break,
                        Some((t, span)) => {
                            return Err(error(
                                format!("expected `,` or `]`, found {t}"),
                                span,
                                None,
                            ));
                        }
                        None => {
                            return Err(error("expected `]` at the end", self.end_span(), None));
                        }
                    }
                }
                Ok(Ast::In { name, values })
            }
            Some((Token::Ident(w), _)) if w == "contains" => Ok(Ast::Contains {
                name,
                value: self.literal()?,
            }),
            Some((t, span)) => Err(error(
                format!(
                    "expected a comparison after `{}`, found {t}",
                    self.src[name.span.clone()].trim()
                ),
                span,
                Some("e.g. == 'code', in ['a', 'b'], contains 'code'"),
            )),
            None => Err(error(
                format!(
                    "expected a comparison after `{}`",
                    &self.src[name.span.clone()]
                ),
                self.end_span(),
                Some("e.g. == 'code', in ['a', 'b'], contains 'code', or answered(q)"),
            )),
        }
    }

    fn literal(&mut self) -> Result<Literal, ParseError> {
        match self.next() {
            Some((Token::Code(c), span)) => Ok(Literal::Code(c, span)),
            Some((Token::Number(n), span)) => Ok(Literal::Number(n, span)),
            Some((Token::Ident(w), span)) => Err(error(
                format!("expected a quoted code or a number, found `{w}`"),
                span.clone(),
                Some(&format!("put codes in quotes: '{w}'")),
            )),
            Some((t, span)) => Err(error(
                format!("expected a quoted code or a number, found {t}"),
                span,
                None,
            )),
            None => Err(error(
                "expected a quoted code or a number at the end",
                self.end_span(),
                None,
            )),
        }
    }
}

/// Which answer a resolved condition reads: a question, or one row of a matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub question: usize,
    pub row: Option<usize>,
}

/// A value a resolved condition compares with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Index of a code among the target's choices (or scale levels).
    Code(usize),
    Number(f64),
}

/// A condition resolved against the survey's questions.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Or(Vec<Cond>),
    And(Vec<Cond>),
    Not(Box<Cond>),
    Answered(Target),
    Compare {
        target: Target,
        op: Op,
        value: Value,
    },
    In {
        target: Target,
        values: Vec<Value>,
    },
    Contains {
        target: Target,
        code: usize,
    },
}

/// What a respondent gave for one target, as conditions see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Given<'a> {
    Missing,
    /// A single code (single choice, likert, matrix row).
    Code(usize),
    /// Several codes (multiple choice ticks, or ranked items in rank order).
    Codes(&'a [u8]),
    Number(f64),
    /// Free text (only `answered` looks at it).
    Text,
}

impl Cond {
    /// Whether the condition holds, given a way to look answers up.
    pub fn holds<'a>(&self, given: &impl Fn(Target) -> Given<'a>) -> bool {
        match self {
            Cond::Or(parts) => parts.iter().any(|c| c.holds(given)),
            Cond::And(parts) => parts.iter().all(|c| c.holds(given)),
            Cond::Not(inner) => !inner.holds(given),
            Cond::Answered(t) => given(*t) != Given::Missing,
            Cond::Compare { target, op, value } => match (given(*target), value) {
                (Given::Code(a), Value::Code(b)) => op.holds(a, *b),
                (Given::Number(a), Value::Number(b)) => op.holds(a, *b),
                _ => false,
            },
            Cond::In { target, values } => match given(*target) {
                Given::Code(a) => values.contains(&Value::Code(a)),
                Given::Number(a) => values.contains(&Value::Number(a)),
                _ => false,
            },
            Cond::Contains { target, code } => match given(*target) {
                Given::Codes(codes) => codes.iter().any(|&c| usize::from(c) == *code),
                _ => false,
            },
        }
    }

    /// Every target the condition reads, each once, in order of first use.
    pub fn targets(&self) -> Vec<Target> {
        let mut out = Vec::new();
        self.visit(&mut |c| {
            let t = match c {
                Cond::Answered(t) => Some(*t),
                Cond::Compare { target, .. }
                | Cond::In { target, .. }
                | Cond::Contains { target, .. } => Some(*target),
                _ => None,
            };
            if let Some(t) = t.filter(|t| !out.contains(t)) {
                out.push(t);
            }
        });
        out
    }

    /// Calls `f` on this condition and every part of it.
    pub fn visit(&self, f: &mut impl FnMut(&Cond)) {
        f(self);
        match self {
            Cond::Or(parts) | Cond::And(parts) => parts.iter().for_each(|p| p.visit(f)),
            Cond::Not(inner) => inner.visit(f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(q: &str, span: Span) -> Name {
        Name {
            question: q.into(),
            row: None,
            span,
        }
    }

    #[test]
    fn parses_comparisons_with_spans() {
        assert_eq!(
            parse("stance != 'it_depends'").unwrap(),
            Ast::Compare {
                name: name("stance", 0..6),
                op: Op::Ne,
                value: Literal::Code("it_depends".into(), 10..22)
            }
        );
        assert_eq!(
            parse("p >= 50").unwrap(),
            Ast::Compare {
                name: name("p", 0..1),
                op: Op::Ge,
                value: Literal::Number(50.0, 5..7)
            }
        );
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let ast = parse("not a == 'x' or b contains \"y\" and answered(c)").unwrap();
        let Ast::Or(parts) = ast else {
            panic!("{ast:?}")
        };
        assert!(matches!(parts[0], Ast::Not(_)));
        let Ast::And(right) = &parts[1] else { panic!() };
        assert!(matches!(right[0], Ast::Contains { .. }));
        assert!(matches!(right[1], Ast::Answered(_)));
    }

    #[test]
    fn parentheses_lists_and_matrix_rows() {
        let ast = parse("(roles.lab_safety in ['yes', 'maybe'] or year < 2030.5)").unwrap();
        let Ast::Or(parts) = ast else { panic!() };
        let Ast::In { name, values } = &parts[0] else {
            panic!()
        };
        assert_eq!(
            (
                name.question.as_str(),
                name.row.as_deref(),
                name.span.clone()
            ),
            ("roles", Some("lab_safety"), 1..17)
        );
        assert_eq!(values.len(), 2);
        assert!(
            matches!(parts[1], Ast::Compare { value: Literal::Number(n, _), .. } if n == 2030.5)
        );
    }

    #[test]
    fn errors_point_at_the_mistake_with_advice() {
        let e = parse("stance = 'x'").unwrap_err();
        assert_eq!(
            (e.span, e.help.as_deref()),
            (7..8, Some("did you mean `==`?"))
        );
        let e = parse("a == 'x' && b == 'y'").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span),
            ("`&&` is not an operator", 9..11)
        );
        let e = parse("stance == lean").unwrap_err();
        assert_eq!(
            (e.span, e.help.as_deref()),
            (10..14, Some("put codes in quotes: 'lean'"))
        );
        let e = parse("stance == 'x").unwrap_err();
        assert_eq!(e.message, "unclosed quote");
        let e = parse("(a == 'x'").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.span),
            ("expected `)` at the end", 9..9)
        );
        let e = parse("a == 'x' b == 'y'").unwrap_err();
        assert_eq!(e.message, "unexpected `b` after a complete condition");
        assert_eq!(parse("   ").unwrap_err().message, "the condition is empty");
        assert_eq!(
            parse("stance").unwrap_err().message,
            "expected a comparison after `stance`"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            "{}a == 'x'{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep).unwrap_err().message.contains("nests deeper"));
        let ok = format!("{}a == 'x'{}", "(".repeat(10), ")".repeat(10));
        assert!(parse(&ok).is_ok());
        let nots = format!("{}answered(a)", "not ".repeat(MAX_DEPTH + 1));
        assert!(parse(&nots).is_err());
    }

    #[test]
    fn missing_answers_make_comparisons_false() {
        let t = Target {
            question: 0,
            row: None,
        };
        let ne = Cond::Compare {
            target: t,
            op: Op::Ne,
            value: Value::Code(1),
        };
        assert!(!ne.holds(&|_| Given::Missing));
        assert!(ne.holds(&|_| Given::Code(0)));
        assert!(
            Cond::Not(Box::new(Cond::Compare {
                target: t,
                op: Op::Eq,
                value: Value::Code(1)
            }))
            .holds(&|_| Given::Missing)
        );
        let picks = [2u8, 5];
        assert!(Cond::Contains { target: t, code: 5 }.holds(&|_| Given::Codes(&picks)));
        let ge = Cond::Compare {
            target: t,
            op: Op::Ge,
            value: Value::Number(50.0),
        };
        assert!(ge.holds(&|_| Given::Number(50.0)) && !ge.holds(&|_| Given::Number(49.9)));
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_spans_stay_inside(src in ".{0,80}") {
            match parse(&src) {
                Ok(_) => {}
                Err(e) => proptest::prop_assert!(e.span.end <= src.len() && e.span.start <= e.span.end),
            }
        }
    }
}
