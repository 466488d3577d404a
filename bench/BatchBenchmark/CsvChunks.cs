namespace OrleansInference.BatchBenchmark;

/// <summary>Cuts a CSV (after its header line) into chunks of whole lines of <c>chunkRows</c> records, as the job planner does.</summary>
internal static class CsvChunks
{
    public readonly record struct Chunk(int Index, long Offset, int Length, long FirstRow, int Rows);

    public static List<Chunk> Plan(string path, int chunkRows)
    {
        var chunks = new List<Chunk>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var buffer = new byte[1 << 20];
        long position = 0, chunkStart = -1, firstRow = 0;
        var rows = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            for (var i = buffer.AsSpan(0, read).IndexOf((byte)'\n'); i >= 0;)
            {
                var lineEnd = position + i + 1;
                if (chunkStart < 0)
                {
                    chunkStart = lineEnd; // the header ends here
                }
                else if (++rows == chunkRows)
                {
                    chunks.Add(new Chunk(chunks.Count, chunkStart, (int)(lineEnd - chunkStart), firstRow, rows));
                    firstRow += rows;
                    chunkStart = lineEnd;
                    rows = 0;
                }

                var next = buffer.AsSpan(i + 1, read - i - 1).IndexOf((byte)'\n');
                i = next < 0 ? -1 : i + 1 + next;
            }

            position += read;
        }

        if (rows > 0)
        {
            chunks.Add(new Chunk(chunks.Count, chunkStart, (int)(position - chunkStart), firstRow, rows));
        }

        return chunks;
    }
}
