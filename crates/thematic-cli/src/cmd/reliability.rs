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
a header row of coder names, an optional first column named `unit`, one row per unit, and
one rating per coder; an empty cell is a missing rating. Ratings are category labels (any
text); for --level interval or ratio they must be numbers, and for --level ordinal numbers
or labels put in order by --categories (e.g. --categories low,medium,high).

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
    #[command(flatten)]
    pub output: OutputArgs,
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
    let skip = usize::from(
        headers
            .get(0)
            .is_some_and(|h| h.trim().eq_ignore_ascii_case("unit")),
    );
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
        .hint("e.g. `unit,KW,AB` then one row per unit: `1,yes,no`"));
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
