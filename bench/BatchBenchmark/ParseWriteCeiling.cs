using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// Ceiling (a): read the CSV chunk by chunk, parse the 30 floats of every row and write an output CSV of
/// <c>row_id,prediction</c> with a constant prediction — no model. Same chunks and worker count as the job; parts are
/// written to the output in chunk order as they complete. Numbers are parsed with <c>float.TryParse</c>, as a plain
/// program would, or optionally with the grid's own number parser (the job's).
/// </summary>
internal static class ParseWriteCeiling
{
    public static async Task<double> RunAsync(string input, string output, IReadOnlyList<CsvChunks.Chunk> chunks, int columns, int workers, bool gridParser = false)
    {
        var stopwatch = Stopwatch.StartNew();
        var parts = chunks.Select(_ => new TaskCompletionSource<ArrayBufferWriter<byte>>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var writer = WriteInOrderAsync(output, parts);
        using (var handle = File.OpenHandle(input, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous))
        {
            await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (chunk, ct) =>
            {
                parts[chunk.Index].SetResult(await ProcessAsync(handle, chunk, columns, gridParser, ct));
            });
        }

        await writer;
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<ArrayBufferWriter<byte>> ProcessAsync(SafeFileHandle handle, CsvChunks.Chunk chunk, int columns, bool gridParser, CancellationToken ct)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(chunk.Length);
        var features = ArrayPool<float>.Shared.Rent(chunk.Rows * columns);
        try
        {
            for (var read = 0; read < chunk.Length;)
            {
                read += await RandomAccess.ReadAsync(handle, bytes.AsMemory(read, chunk.Length - read), chunk.Offset + read, ct);
            }

            var rows = CsvFeatureReader.Parse(bytes.AsSpan(0, chunk.Length), columns, features, gridParser);
            var output = new ArrayBufferWriter<byte>(rows * 12);
            for (var r = 0; r < rows; r++)
            {
                var span = output.GetSpan(24);
                Utf8Formatter.TryFormat(chunk.FirstRow + r, span, out var written);
                ",1\n"u8.CopyTo(span[written..]);
                output.Advance(written + 3);
            }

            return output;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<float>.Shared.Return(features);
        }
    }

    private static async Task WriteInOrderAsync(string path, TaskCompletionSource<ArrayBufferWriter<byte>>[] parts)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await stream.WriteAsync("row_id,prediction\n"u8.ToArray());
        foreach (var part in parts)
        {
            await stream.WriteAsync((await part.Task).WrittenMemory);
        }

        await stream.FlushAsync();
        stream.Flush(flushToDisk: true);
    }
}
