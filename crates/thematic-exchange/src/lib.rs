//! Round trips with other tools: REFI-QDA projects (`.qdpx`, the exchange format of NVivo,
//! ATLAS.ti, MAXQDA and QualCoder) in [`refi`], and coding sheets (CSV and Excel, for
//! people who code in a spreadsheet) in [`sheet`]. Both read files written elsewhere as
//! untrusted input and change a study only through its store.

pub mod refi;
pub mod sheet;
