// omnispec/dataset: typed loaders over JSONL, CSV/TSV, Parquet and media folders; packing.
export { loadDataset, DatasetLoader, featuresToInstructionSlots, type LoaderOptions, type OnError } from "./loader.js";
export { readRows, sourceFormat, type Row, type RowFailure, type RowOrFailure, type SourceFormat } from "./sources.js";
export { readCsvRows } from "./csv.js";
export { packChunks, ChunkPacker, firstFitDecreasing, syntheticLengths } from "./pack.js";
export type { PackPiece, PackedChunk, PackOptions, PackStats, PackResult, SampleLength, SampleId, SyntheticLengthOptions } from "./pack.js";
export { readRowBatches } from "./sources.js";
export { mediaCell } from "./media-cell.js";
export { datasetStats, distribution, Reservoir, type StatsOptions, type StatsResult, type StatsSummary, type SampleTokens, type BadRow, type Distribution } from "./stats.js";
export { histogramBins, histogramSvg, writeHistogram, type HistogramBins, type HistogramOptions } from "./histogram.js";
