// omnispec/dataset: typed loaders over JSONL, CSV/TSV, Parquet and media folders; packing.
export { loadDataset, DatasetLoader, featuresToInstructionSlots, type LoaderOptions, type OnError } from "./loader.js";
export { readRows, sourceFormat, type Row, type RowFailure, type RowOrFailure, type SourceFormat } from "./sources.js";
export { readCsvRows } from "./csv.js";
