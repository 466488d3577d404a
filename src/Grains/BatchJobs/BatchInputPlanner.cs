using System.Buffers;
using System.Text;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Scans an input file once and cuts it into chunks of whole lines, <c>chunkRows</c> records each.</summary>
public static class BatchInputPlanner
{
    /// <summary>Plans the file. For CSV the first non-blank line is the header and is not a record.</summary>
    /// <exception cref="InvalidDataException">The file is empty, a CSV file has no header, or a chunk would exceed 2 GiB.</exception>
    public static async Task<BatchInputPlan> PlanAsync(string path, bool hasHeader, int chunkRows, CancellationToken cancellationToken)
    {
        var chunks = new List<BatchChunk>();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        string? header = null;
        var headerBytes = new List<byte>();
        long position = 0, lineStart = 0, chunkStart = -1, rows = 0;
        var chunkRowCount = 0;
        var lineHasContent = false;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                // Jump from line end to line end (vectorized searches) instead of testing every byte.
                var data = buffer.AsSpan(0, read);
                for (var offset = 0; offset < read;)
                {
                    var rest = data[offset..];
                    var newline = rest.IndexOf((byte)'\n');
                    var segment = newline < 0 ? rest : rest[..newline];
                    if (hasHeader && header is null)
                    {
                        headerBytes.AddRange(segment);
                    }

                    lineHasContent |= segment.IndexOfAnyExcept((byte)'\r', (byte)' ', (byte)'\t') >= 0;
                    if (newline < 0)
                    {
                        break;
                    }

                    EndLine(position + offset + newline + 1);
                    offset += newline + 1;
                }

                position += read;
            }

            EndLine(position);
            if (chunkStart >= 0)
            {
                chunks.Add(Chunk(position));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (hasHeader && header is null)
        {
            throw new InvalidDataException("The CSV input is empty; it needs a header row naming the features.");
        }

        return new BatchInputPlan(header, rows, chunks);

        void EndLine(long next)
        {
            if (lineHasContent)
            {
                if (hasHeader && header is null)
                {
                    header = Encoding.UTF8.GetString(headerBytes.ToArray()).TrimEnd('\r');
                }
                else
                {
                    if (chunkStart < 0)
                    {
                        chunkStart = lineStart;
                    }

                    rows++;
                    if (++chunkRowCount == chunkRows)
                    {
                        chunks.Add(Chunk(next));
                    }
                }
            }
            else if (hasHeader && header is null)
            {
                headerBytes.Clear();
            }

            lineHasContent = false;
            lineStart = next;
        }

        BatchChunk Chunk(long end)
        {
            var length = end - chunkStart;
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"A chunk of {chunkRowCount} rows spans {length} bytes; use a smaller batch_size.");
            }

            var chunk = new BatchChunk(chunks.Count, chunkStart, (int)length, rows - chunkRowCount, chunkRowCount);
            chunkStart = -1;
            chunkRowCount = 0;
            return chunk;
        }
    }
}
