namespace OrleansInference.OnnxRuntime.Tests.Support;

/// <summary>Reads this process's resident set size from /proc/self/status.</summary>
public static class ProcessMemory
{
    public static long ResidentBytesAfterGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kilobytes * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS is missing from /proc/self/status.");
    }
}
