namespace OrleansInference.Grains.BatchJobs;

/// <summary>A finished chunk: its parts are on disk and will not be processed again.</summary>
public readonly record struct ChunkCheckpoint(int Index, int Rows, int Errors);
