namespace OrleansInference.Grains.BatchJobs;

/// <summary>A slice of the input file: <paramref name="Rows"/> records starting at byte <paramref name="Offset"/>, the first being row <paramref name="FirstRow"/>.</summary>
public readonly record struct BatchChunk(int Index, long Offset, int Length, long FirstRow, int Rows);
