//! `thematic reliability FILE.csv`: the agreement statistics on any ratings file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Map, Value, json};
use thematic_agreement::{CategoryLabels, Level, PairDraws, Ratings, Resampling};

use crate::error::{CliError, Result};
use crate::output::{OutputArgs, OutputFormat, Table, emit, emit_table};

/// `thematic reliability`
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Computes the agreement statistics on any ratings file, no study needed. The file is CSV with
a header row of coder names, one row per unit, and one rating per coder; an empty cell is a
missing rating. Ratings are category labels (any text); for --level interval or ratio they
must be numbers, and for --level ordinal numbers or labels put in order by --categories (e.g.
--categories low,medium,high); ordinal text ratings without --categories are refused.

A first column that names the units is skipped, with a notice: one headed like unit, subject,
id, item, case, row or rownames, or left unnamed (R's and pandas' row names), or holding
different text on every row. A first column of different numbers on every row is unclear (a
unit number, or a coder rating on a continuous scale?): the command stops and asks for
--id-column NAME (skip it) or --no-id-column (count it as a coder).

Conventions:
  - q, the number of categories for Brennan–Prediger and AC1, is the number of --categories
    when given (declaring a category nobody used changes them), else the number of distinct
    ratings in the file.
  - Missing ratings: percent agreement, Fleiss, AC1, Brennan–Prediger and α use units with at
    least two ratings; Fleiss and AC1 take chance agreement from every rating (Gwet 2014);
    α drops units with one rating; Cohen's κ and Scott's π (two coders only) use the units
    both coders rated.
  - A statistic that is 0/0 (e.g. every rating the same, so chance agreement is 1) is null.
  - --ci adds bootstrap intervals: Krippendorff's bootstrap for α (Hayes & Krippendorff 2007),
    a percentile bootstrap over units for the rest; --resamples and --seed make them
    reproducible.

JSON keys: percent_agreement, cohen_kappa (null unless two coders), scott_pi (null unless
two coders), fleiss_kappa, krippendorff_alpha, gwet_ac1, brennan_prediger, n_units,
n_coders, level, q; with --ci, each statistic also has <key>_ci: [low, high].

Examples:
  $ thematic reliability ratings.csv
  $ thematic reliability ratings.csv --level ordinal --ci 0.95 --format json
  $ thematic reliability codes.csv --categories yes,no,unsure")]
pub struct Args {
    /// The ratings file (CSV).
    pub file: PathBuf,
    /// Krippendorff's α level of measurement.
    #[arg(long, default_value = "nominal", value_parser = parse_level)]
    pub level: Level,
    /// Declare the categories (comma-separated; their order is the order for ordinal data).
    #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
    pub categories: Vec<String>,
    /// Add bootstrap intervals at this confidence level (e.g. 0.95).
    #[arg(long, value_name = "LEVEL")]
    pub ci: Option<f64>,
    /// Bootstrap resamples.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub resamples: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The first column names the units and is not a coder (give its header).
    #[arg(long, value_name = "NAME", conflicts_with = "no_id_column")]
    pub id_column: Option<String>,
    /// Every column is a coder, the first included.
    #[arg(long)]
    pub no_id_column: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Headers (compared without regard to case, trimmed) of a first column that names the
/// units: what R's `write.csv`, pandas' `to_csv` and common ratings layouts put there.
const ID_HEADERS: &[&str] = &[
    "unit",
    "units",
    "subject",
    "subjects",
    "id",
    "ids",
    "item",
    "items",
    "case",
    "cases",
    "row",
    "rownames",
    "row.names",
    "unnamed: 0",
    "",
];

/// What the first column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstColumn {
    /// A coder.
    Coder,
    /// The units' names: skipped.
    Id,
}

/// Decides what the first column is: told by an option, recognised by its header, or by
/// its cells (read in a first pass over the file): different text on every row is an id;
/// different numbers on every row are unclear and stop the command.
fn first_column(args: &Args, headers: &csv::StringRecord) -> Result<FirstColumn> {
    let first = headers.get(0).unwrap_or_default().trim();
    let path = args.file.display();
    if args.no_id_column {
        return Ok(FirstColumn::Coder);
    }
    if let Some(name) = &args.id_column {
        if name.trim() != first {
            return Err(CliError::user(format!(
                "{path}:1: --id-column names \"{name}\", but the first column is \"{first}\""
            ))
            .hint("the id column must come first; give its header as it is in the file"));
        }
        return Ok(FirstColumn::Id);
    }
    if ID_HEADERS.contains(&first.to_lowercase().as_str()) {
        crate::cmd::status(&format!(
            "the first column, \"{first}\", names the units and is not counted as a coder \
             (--no-id-column counts it)"
        ));
        return Ok(FirstColumn::Id);
    }
    let (rows, unique, numeric) = first_cells(&args.file)?;
    if rows < 3 || !unique {
        return Ok(FirstColumn::Coder);
    }
    if numeric {
        return Err(CliError::user(format!(
            "{path}: the first column, \"{first}\", has a different number on every row: is \
             it a unit number or a coder's ratings?"
        ))
        .hint(format!(
            "say which: --id-column {} skips it, --no-id-column counts it as a coder",
            thematic_study::shell_word(first)
        )));
    }
    crate::cmd::status(&format!(
        "the first column, \"{first}\", holds different text on every row, so it names the \
         units and is not counted as a coder (--no-id-column counts it)"
    ));
    Ok(FirstColumn::Id)
}

/// A first pass over the file's first column: rows, whether every cell differs, whether
/// every cell is a number.
fn first_cells(path: &std::path::Path) -> Result<(usize, bool, bool)> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::user(format!("cannot read {}: {e}", path.display())))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let mut seen = std::collections::HashSet::new();
    let (mut rows, mut unique, mut numeric) = (0, true, true);
    let mut record = csv::StringRecord::new();
    // A row that does not parse is reported by the real read that follows.
    while let Ok(true) = rdr.read_record(&mut record) {
        rows += 1;
        let cell = record.get(0).unwrap_or_default().trim();
        numeric &= cell.parse::<f64>().is_ok();
        if !seen.insert(cell.to_string()) {
            unique = false;
            break;
        }
    }
    Ok((rows, unique, numeric))
}

fn parse_level(s: &str) -> std::result::Result<Level, String> {
    s.parse::<Level>()
        .map_err(|_| "use nominal, ordinal, interval or ratio".to_string())
}

/// The file read: coder names, category labels in order, and the units as rating patterns
/// (label indices) with counts (identical units share one entry, so a million rows take
/// little memory).
struct Read {
    coders: Vec<String>,
    labels: CategoryLabels,
    patterns: HashMap<Vec<Option<usize>>, usize>,
    units: usize,
}

/// Reads the file. Labels are `declared` (`--categories`), or else the ratings met, put in
/// order once all are read.
fn read(args: &Args, declared: Option<CategoryLabels>) -> Result<Read> {
    let path = &args.file;
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::user(format!("cannot read {}: {e}", path.display())))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let bad =
        |line: u64, what: String| CliError::user(format!("{}:{line}: {what}", path.display()));
    let headers = rdr.headers().map_err(|e| bad(1, e.to_string()))?.clone();
    let skip = usize::from(first_column(args, &headers)? == FirstColumn::Id);
    let coders: Vec<String> = headers
        .iter()
        .skip(skip)
        .map(|h| h.trim().to_string())
        .collect();
    if coders.len() < 2 {
        return Err(bad(
            1,
            "the header must name at least two coders (one column each)".into(),
        )
        .hint("e.g. `unit,KW,AB` then one row per unit: `1,yes,no`; --no-id-column counts the first column as a coder"));
    }
    let mut labels: Vec<String> = declared
        .as_ref()
        .map_or_else(Vec::new, |d| d.labels().to_vec());
    let mut index: HashMap<String, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect();
    let mut patterns: HashMap<Vec<Option<usize>>, usize> = HashMap::new();
    let mut key: Vec<Option<usize>> = vec![None; coders.len()];
    let mut record = csv::StringRecord::new();
    let mut units = 0usize;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(
                    bad(line, e.to_string()).hint("every row needs one cell per header column")
                );
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        for (k, cell) in record.iter().skip(skip).enumerate() {
            let cell = cell.trim();
            key[k] = if cell.is_empty() {
                None
            } else if let Some(&i) = index.get(cell) {
                Some(i)
            } else if declared.is_some() {
                return Err(bad(
                    line,
                    format!(
                        "coder {} gave \"{cell}\", which is not among --categories ({})",
                        coders[k],
                        args.categories.join(", ")
                    ),
                ));
            } else {
                let i = labels.len();
                labels.push(cell.to_string());
                index.insert(cell.to_string(), i);
                Some(i)
            };
        }
        units += 1;
        match patterns.get_mut(key.as_slice()) {
            Some(n) => *n += 1,
            None => {
                patterns.insert(key.clone(), 1);
            }
        }
    }
    Ok(Read {
        coders,
        labels: declared.unwrap_or_else(|| CategoryLabels::sorted(labels)),
        patterns,
        units,
    })
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let declared = check(args)?;
    let data = read(args, declared)?;
    let ratings = ratings(args, &data)?;
    let rows = estimates(args, &ratings);
    if args.output.format == OutputFormat::Json {
        write_json(args, &rows, &data)?;
    } else {
        write_table(args, &rows)?;
    }
    crate::cmd::status(&format!(
        "{} units, {} coders, q = {} categories, α at the {} level",
        data.units,
        data.coders.len(),
        data.labels.len(),
        args.level.name()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Checks what can be checked before reading the file: `--ci`, and that `--categories`
/// names each category once; returns the declared categories.
fn check(args: &Args) -> Result<Option<CategoryLabels>> {
    if let Some(ci) = args.ci
        && !(0.0 < ci && ci < 1.0)
    {
        return Err(CliError::user("--ci must be between 0 and 1, e.g. 0.95"));
    }
    if args.categories.is_empty() {
        return Ok(None);
    }
    CategoryLabels::declared(args.categories.iter().map(|c| c.trim()))
        .map(Some)
        .map_err(|e| CliError::user(format!("--categories names \"{}\" twice", e.0)))
}

/// The file's ratings, with its labels' ranks as categories (declared order; else numeric
/// order when every label is a number, else alphabetical, which only nominal α may use)
/// and the values α at `--level` needs.
fn ratings(args: &Args, data: &Read) -> Result<Ratings> {
    let labels = &data.labels;
    let ratings = Ratings::from_patterns(
        data.coders.len(),
        data.patterns.iter().map(|(p, n)| {
            let ranked: Vec<Option<usize>> = p.iter().map(|r| r.map(|i| labels.rank(i))).collect();
            (ranked, *n)
        }),
    )
    .with_categories(labels.len());
    match labels.values(args.level) {
        Ok(None) => Ok(ratings),
        Ok(Some(values)) => ratings
            .with_values(&values)
            .map_err(|e| CliError::user(format!("{}: {e}", args.file.display()))),
        Err(e) => Err(CliError::user(e.to_string()).hint(NOT_NUMERIC_HINT)),
    }
}

/// The way out when the level needs numbers and the ratings are text.
const NOT_NUMERIC_HINT: &str = "use --level nominal, or --level ordinal with --categories \
                                listing them in order (e.g. low,medium,high)";

/// Every statistic with its interval when `--ci` asks for one, in output order.
fn estimates(args: &Args, ratings: &Ratings) -> Vec<Row<'static>> {
    let resampling = Resampling {
        resamples: args.resamples,
        seed: args.seed,
    };
    let stats: [(&str, Statistic); 6] = [
        ("percent_agreement", Ratings::percent_agreement),
        ("cohen_kappa", Ratings::cohen_kappa),
        ("scott_pi", Ratings::scott_pi),
        ("fleiss_kappa", Ratings::fleiss_kappa),
        ("gwet_ac1", Ratings::gwet_ac1),
        ("brennan_prediger", Ratings::brennan_prediger),
    ];
    // One pass of resampling for all six: the same draws as one pass each.
    let intervals: Vec<Option<(f64, f64)>> = match args.ci {
        Some(ci) => {
            let fs: Vec<thematic_agreement::Statistic<'_>> = stats
                .iter()
                .map(|(_, f)| f as thematic_agreement::Statistic<'_>)
                .collect();
            ratings
                .bootstrap_units_many(&resampling, &fs)
                .iter()
                .map(|r| r.interval(ci))
                .collect()
        }
        None => vec![None; stats.len()],
    };
    let mut rows: Vec<Row<'static>> = Vec::new();
    for ((key, f), interval) in stats.into_iter().zip(intervals) {
        let value = f(ratings);
        rows.push((key, value, value.and(interval)));
    }
    let alpha = ratings.krippendorff_alpha(args.level);
    let alpha_ci = match (args.ci, alpha) {
        (Some(ci), Some(_)) => ratings
            .bootstrap_alpha(args.level, &resampling, PairDraws::Pairs)
            .and_then(|r| r.interval(ci)),
        _ => None,
    };
    rows.insert(4, ("krippendorff_alpha", alpha, alpha_ci));
    rows
}

/// The statistics as one JSON object, with the keys the long help lists.
fn write_json(args: &Args, rows: &[Row<'_>], data: &Read) -> Result<()> {
    let mut obj = Map::new();
    for (key, value, interval) in rows {
        obj.insert((*key).into(), num(*value));
        if args.ci.is_some() {
            obj.insert(
                format!("{key}_ci"),
                interval.map_or(Value::Null, |(lo, hi)| {
                    json!([num(Some(lo)), num(Some(hi))])
                }),
            );
        }
    }
    obj.insert("n_units".into(), json!(data.units));
    obj.insert("n_coders".into(), json!(data.coders.len()));
    obj.insert("level".into(), json!(args.level.name()));
    obj.insert("q".into(), json!(data.labels.len()));
    let mut bytes = serde_json::to_vec_pretty(&Value::Object(obj))?;
    bytes.push(b'\n');
    emit(&args.output, &bytes)
}

/// The statistics as a table: statistic, value, CI low, CI high.
fn write_table(args: &Args, rows: &[Row<'_>]) -> Result<()> {
    let mut table = Table::new(&[
        ("statistic", "Statistic"),
        ("value", "Value"),
        ("ci_low", "CI low"),
        ("ci_high", "CI high"),
    ])
    .titled("Reliability");
    for (key, value, interval) in rows {
        table.push(vec![
            json!(key),
            num(*value),
            num(interval.map(|i| i.0)),
            num(interval.map(|i| i.1)),
        ]);
    }
    emit_table(&args.output, &table)
}

/// A statistic of the ratings.
type Statistic = fn(&Ratings) -> Option<f64>;

/// A statistic's name, value and interval.
type Row<'a> = (&'a str, Option<f64>, Option<(f64, f64)>);

fn num(x: Option<f64>) -> Value {
    x.map_or(Value::Null, |v| json!((v * 1e6).round() / 1e6))
}
