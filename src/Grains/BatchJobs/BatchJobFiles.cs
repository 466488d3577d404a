using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>File names of a job's parts and outputs, and atomic replacement of files.</summary>
public static class BatchJobFiles
{
    /// <summary>The errors file beside an output file: <c>output.csv</c> → <c>output.errors.csv</c>.</summary>
    public static string ErrorsPathFor(string outputPath, BatchJobFormat format)
    {
        var directory = Path.GetDirectoryName(outputPath) ?? string.Empty;
        return Path.Combine(directory, Path.GetFileNameWithoutExtension(outputPath) + ".errors" + BatchJobStates.FileExtension(format));
    }

    /// <summary>The predictions part of a chunk.</summary>
    public static string OutputPart(string workDirectory, int chunk) => Path.Combine(workDirectory, "parts", $"{chunk:D7}.out");

    /// <summary>The rejected-rows part of a chunk.</summary>
    public static string ErrorsPart(string workDirectory, int chunk) => Path.Combine(workDirectory, "parts", $"{chunk:D7}.err");

    /// <summary>
    /// Writes a file so that readers (and a restart after a crash) see either the old file or the complete new one:
    /// the content goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
    /// </summary>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
