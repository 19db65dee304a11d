//! XLSForm `constraint` cells read back as canvass bounds: `. >= a and . <= b` as
//! `min`/`max`, `count-selected(.)` bounds as picks, `string-length(.) <= N` as a
//! maximum length. Anything else is refused with a reason, which the importer reports at
//! the cell.

use super::xpath;

/// The conjuncts of a constraint.
fn conjuncts(expr: &xpath::Expr) -> Vec<&xpath::Expr> {
    match expr {
        xpath::Expr::And(parts) => parts.iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

/// `(what, comparison, number)` with the number on the right.
fn compared(expr: &xpath::Expr) -> Option<(&xpath::Expr, xpath::Cmp, f64)> {
    match expr {
        xpath::Expr::Compare(l, cmp, r) => match (&**l, &**r) {
            (what, xpath::Expr::Num(n)) => Some((what, *cmp, *n)),
            (xpath::Expr::Num(n), what) => Some((what, cmp.flipped(), *n)),
            _ => None,
        },
        _ => None,
    }
}

/// Lower and upper bounds from `. >= a and . <= b` (strict bounds on whole numbers are
/// made inclusive; on decimals they cannot be kept).
pub fn bounds(expr: &xpath::Expr, integer: bool) -> Result<(Option<f64>, Option<f64>), String> {
    let (mut lo, mut hi): (Option<f64>, Option<f64>) = (None, None);
    for part in conjuncts(expr) {
        let Some((xpath::Expr::Current, cmp, n)) = compared(part) else {
            return Err("only bounds such as `. >= 0 and . <= 10` can be kept".to_string());
        };
        let whole = integer && n.fract() == 0.0;
        match cmp {
            xpath::Cmp::Ge => lo = Some(lo.map_or(n, |l| l.max(n))),
            xpath::Cmp::Le => hi = Some(hi.map_or(n, |h| h.min(n))),
            xpath::Cmp::Gt if whole => lo = Some(lo.map_or(n + 1.0, |l| l.max(n + 1.0))),
            xpath::Cmp::Lt if whole => hi = Some(hi.map_or(n - 1.0, |h| h.min(n - 1.0))),
            xpath::Cmp::Eq => {
                lo = Some(n);
                hi = Some(n);
            }
            _ => {
                return Err(
                    "a strict bound on a decimal cannot be kept; canvass bounds include the bound"
                        .to_string(),
                );
            }
        }
    }
    if let (Some(l), Some(h)) = (lo, hi) {
        if h < l {
            return Err("the bounds leave no valid answer".to_string());
        }
    }
    Ok((lo, hi))
}

/// `count-selected(.) >= a and count-selected(.) <= b`.
pub fn picks(expr: &xpath::Expr) -> Result<(Option<u32>, Option<u32>), String> {
    let mut out = (None, None);
    for part in conjuncts(expr) {
        let Some((xpath::Expr::Call(f, args), cmp, n)) = compared(part) else {
            return Err("only `count-selected(.)` bounds can be kept".to_string());
        };
        if f != "count-selected"
            || args.as_slice() != [xpath::Expr::Current]
            || n.fract() != 0.0
            || !(0.0..=255.0).contains(&n)
        {
            return Err("only `count-selected(.)` bounds can be kept".to_string());
        }
        let n = n as u32;
        match cmp {
            xpath::Cmp::Ge if n >= 1 => out.0 = Some(n),
            xpath::Cmp::Gt => out.0 = Some(n + 1),
            xpath::Cmp::Le if n >= 1 => out.1 = Some(n),
            xpath::Cmp::Lt if n >= 2 => out.1 = Some(n - 1),
            xpath::Cmp::Eq if n >= 1 => out = (Some(n), Some(n)),
            _ => {
                return Err(format!(
                    "`count-selected(.)` compared with {n} cannot be kept"
                ));
            }
        }
    }
    Ok(out)
}

/// `string-length(.) <= n`.
pub fn max_length(expr: &xpath::Expr) -> Result<u32, String> {
    let parts = conjuncts(expr);
    let [part] = parts.as_slice() else {
        return Err("only `string-length(.) <= N` can be kept".to_string());
    };
    match compared(part) {
        Some((xpath::Expr::Call(f, args), cmp, n))
            if f == "string-length"
                && args.as_slice() == [xpath::Expr::Current]
                && n.fract() == 0.0
                && (1.0..1e9).contains(&n) =>
        {
            match cmp {
                xpath::Cmp::Le => Ok(n as u32),
                xpath::Cmp::Lt if n >= 2.0 => Ok(n as u32 - 1),
                _ => Err("only `string-length(.) <= N` can be kept".to_string()),
            }
        }
        _ => Err("only `string-length(.) <= N` can be kept".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> xpath::Expr {
        xpath::parse(text).unwrap()
    }

    #[test]
    fn bounds_from_comparisons_with_the_answer() {
        assert_eq!(
            bounds(&parsed(". >= 0 and . <= 60"), true),
            Ok((Some(0.0), Some(60.0)))
        );
        // Strict bounds on whole numbers become inclusive; numbers on the left flip.
        assert_eq!(
            bounds(&parsed(". > 0 and 10 > ."), true),
            Ok((Some(1.0), Some(9.0)))
        );
        assert!(bounds(&parsed(". > 0.5"), false).is_err());
        assert!(bounds(&parsed(". >= 5 and . <= 1"), true).is_err());
        assert!(bounds(&parsed("${other} >= 5"), true).is_err());
    }

    #[test]
    fn picks_from_count_selected() {
        assert_eq!(
            picks(&parsed("count-selected(.) >= 1 and count-selected(.) <= 3")),
            Ok((Some(1), Some(3)))
        );
        assert_eq!(
            picks(&parsed("count-selected(.) = 2")),
            Ok((Some(2), Some(2)))
        );
        assert_eq!(picks(&parsed("count-selected(.) < 4")), Ok((None, Some(3))));
        assert!(picks(&parsed("count-selected(.) <= 0")).is_err());
        assert!(picks(&parsed("string-length(.) <= 3")).is_err());
    }

    #[test]
    fn max_length_from_string_length() {
        assert_eq!(max_length(&parsed("string-length(.) <= 600")), Ok(600));
        assert_eq!(max_length(&parsed("string-length(.) < 600")), Ok(599));
        assert!(max_length(&parsed("string-length(.) >= 2")).is_err());
        assert!(max_length(&parsed("string-length(.) <= 5 and . != 'x'")).is_err());
    }
}
