//! The part of ODK XPath that XLSForm `relevant` and `constraint` cells use and canvass
//! can translate: `${field}`, `.`, quoted strings, numbers, comparisons, `and`, `or`,
//! parentheses and function calls (`not`, `selected`, `count-selected`,
//! `string-length`, …). Anything else is a parse error, reported where it was found.

use std::fmt;

/// Deepest nesting accepted, so a hostile cell cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// The same comparison with its sides swapped (`3 < x` is `x > 3`).
    pub fn flipped(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            same => same,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Compare(Box<Expr>, Cmp, Box<Expr>),
    Call(String, Vec<Expr>),
    /// `${name}`.
    Field(String),
    /// `.`, the answer being constrained.
    Current,
    Str(String),
    Num(f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Field(String),
    Name(String),
    Str(String),
    Num(f64),
    Cmp(Cmp),
    Dot,
    Open,
    Close,
    Comma,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Field(n) => write!(f, "${{{n}}}"),
            Token::Name(n) => write!(f, "`{n}`"),
            Token::Str(s) => write!(f, "'{s}'"),
            Token::Num(n) => write!(f, "{n}"),
            Token::Cmp(c) => write!(f, "a comparison ({c:?})"),
            Token::Dot => f.write_str("`.`"),
            Token::Open => f.write_str("`(`"),
            Token::Close => f.write_str("`)`"),
            Token::Comma => f.write_str("`,`"),
        }
    }
}

fn lex(src: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '$' if next == Some('{') => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("a `${` is not closed with `}`")?;
                let name: String = chars[i + 2..i + end].iter().collect();
                tokens.push(Token::Field(name.trim().to_string()));
                i += end + 1;
            }
            '\'' | '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&q| q == c)
                    .ok_or("a quoted string is not closed")?;
                tokens.push(Token::Str(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '=' => {
                tokens.push(Token::Cmp(Cmp::Eq));
                i += 1;
            }
            '!' if next == Some('=') => {
                tokens.push(Token::Cmp(Cmp::Ne));
                i += 2;
            }
            '<' | '>' => {
                let or_equal = next == Some('=');
                let cmp = match (c, or_equal) {
                    ('<', false) => Cmp::Lt,
                    ('<', true) => Cmp::Le,
                    ('>', false) => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                tokens.push(Token::Cmp(cmp));
                i += if or_equal { 2 } else { 1 };
            }
            '.' if !next.is_some_and(|d| d.is_ascii_digit()) => {
                tokens.push(Token::Dot);
                i += 1;
            }
            // A minus sign starts a number only where a value is expected.
            '-' | '.' | '0'..='9'
                if c != '-'
                    || (next.is_some_and(|d| d.is_ascii_digit() || d == '.')
                        && !matches!(
                            tokens.last(),
                            Some(
                                Token::Field(_)
                                    | Token::Str(_)
                                    | Token::Num(_)
                                    | Token::Dot
                                    | Token::Close
                            )
                        )) =>
            {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                    j += 1;
                }
                let text: String = chars[i..j].iter().collect();
                let n = text
                    .parse::<f64>()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                tokens.push(Token::Num(n));
                i = j;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || matches!(chars[j], '_' | '-' | '.' | ':'))
                {
                    j += 1;
                }
                tokens.push(Token::Name(chars[i..j].iter().collect()));
                i = j;
            }
            other => return Err(format!("`{other}` cannot be translated")),
        }
    }
    Ok(tokens)
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, String> {
    let tokens = lex(src)?;
    if tokens.is_empty() {
        return Err("the expression is empty".to_string());
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let expr = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(expr),
        Some(t) => Err(format!("unexpected {t} after a complete expression")),
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Name(w)) if w == word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.and()?];
        while self.word("or") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.comparison()?];
        while self.word("and") {
            parts.push(self.comparison()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.value()?;
        if let Some(Token::Cmp(cmp)) = self.peek().cloned() {
            self.at += 1;
            let right = self.value()?;
            return Ok(Expr::Compare(Box::new(left), cmp, Box::new(right)));
        }
        Ok(left)
    }

    fn value(&mut self) -> Result<Expr, String> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or("the expression ends too early")?;
        self.at += 1;
        match token {
            Token::Open => {
                self.deeper()?;
                let inner = self.or()?;
                self.depth -= 1;
                self.close()?;
                Ok(inner)
            }
            Token::Field(name) => Ok(Expr::Field(name)),
            Token::Dot => Ok(Expr::Current),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::Num(n) => Ok(Expr::Num(n)),
            Token::Name(name) if self.peek() == Some(&Token::Open) => {
                self.at += 1;
                self.deeper()?;
                let mut args = Vec::new();
                if self.peek() != Some(&Token::Close) {
                    args.push(self.or()?);
                    while self.peek() == Some(&Token::Comma) {
                        self.at += 1;
                        args.push(self.or()?);
                    }
                }
                self.depth -= 1;
                self.close()?;
                Ok(Expr::Call(name, args))
            }
            other => Err(format!("{other} cannot be translated here")),
        }
    }

    fn close(&mut self) -> Result<(), String> {
        match self.tokens.get(self.at) {
            Some(Token::Close) => {
                self.at += 1;
                Ok(())
            }
            Some(t) => Err(format!("expected `)`, found {t}")),
            None => Err("a `(` is not closed".to_string()),
        }
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "the expression nests deeper than {MAX_DEPTH} levels"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(n: &str) -> Box<Expr> {
        Box::new(Expr::Field(n.into()))
    }

    #[test]
    fn parses_odk_relevant_expressions() {
        assert_eq!(
            parse("${a} = 'x' and not(selected(${b}, \"y\"))").unwrap(),
            Expr::And(vec![
                Expr::Compare(field("a"), Cmp::Eq, Box::new(Expr::Str("x".into()))),
                Expr::Call(
                    "not".into(),
                    vec![Expr::Call(
                        "selected".into(),
                        vec![Expr::Field("b".into()), Expr::Str("y".into())]
                    )]
                ),
            ])
        );
        assert_eq!(
            parse(". >= -5 and . <= 2.5").unwrap(),
            Expr::And(vec![
                Expr::Compare(Box::new(Expr::Current), Cmp::Ge, Box::new(Expr::Num(-5.0))),
                Expr::Compare(Box::new(Expr::Current), Cmp::Le, Box::new(Expr::Num(2.5))),
            ])
        );
        assert_eq!(
            parse("count-selected(.) <= 3").unwrap(),
            Expr::Compare(
                Box::new(Expr::Call("count-selected".into(), vec![Expr::Current])),
                Cmp::Le,
                Box::new(Expr::Num(3.0))
            )
        );
    }

    #[test]
    fn refuses_what_it_cannot_translate() {
        assert!(parse("${a} + 1 > 2").is_err());
        assert!(parse("${a").is_err());
        assert!(parse("'open").is_err());
        assert!(parse("(${a} = 'x'").is_err());
        assert!(parse("").is_err());
        let deep = format!("{}${{a}} = 'x'{}", "(".repeat(100), ")".repeat(100));
        assert!(parse(&deep).unwrap_err().contains("nests deeper"));
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics(src in ".{0,60}") {
            let _ = parse(&src);
        }
    }
}
