using System.Runtime.InteropServices;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// Containment checks for files a request names inside a configured folder: the lexical path must be inside, no
/// symbolic link on the way may lead outside (each link's final target is resolved), and a regular file must not be a
/// hard link (a second name for a file that may live anywhere on the same file system, which no path check can see).
/// </summary>
public static partial class ContainedPath
{
    /// <summary>True when <paramref name="full"/> is strictly inside <paramref name="root"/> (both full paths).</summary>
    public static bool IsInside(string root, string full) =>
        full.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>True when a folder or file on the way from <paramref name="root"/> to <paramref name="full"/> is a link leading outside the root.</summary>
    public static bool EscapesThroughLink(string root, string full)
    {
        root = root.TrimEnd(Path.DirectorySeparatorChar);
        if (!IsInside(root, full))
        {
            return true;
        }

        var current = root;
        foreach (var part in full[(root.Length + 1)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (!info.Exists && info.LinkTarget is null)
            {
                return false;
            }

            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !IsInside(root, Path.GetFullPath(target.FullName)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Why the file at <paramref name="full"/> may not be read on behalf of a request (it escapes <paramref name="root"/>
    /// through a symbolic link, or it is a hard link), or null when it may. <paramref name="shown"/> is the path as the
    /// client named it, for the message.
    /// </summary>
    public static string? RefuseFile(string root, string full, string shown, string rootKey)
    {
        if (EscapesThroughLink(root, full))
        {
            return $"'{shown}' resolves outside the {rootKey} folder (through a symbolic link); only files inside it are read.";
        }

        var final = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        if (LinkCount(final) > 1)
        {
            return $"'{shown}' is a hard link (the file has more than one name); hard links are refused because they may lead outside the {rootKey} folder. Copy the file instead.";
        }

        return null;
    }

    /// <summary>
    /// The number of hard links to a file (<c>st_nlink</c>); 1 when it cannot be read (not Linux on x64 or Arm64, or
    /// the file does not exist).
    /// </summary>
    public static long LinkCount(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 1;
        }

        var offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 16,
            Architecture.Arm64 => 20,
            _ => -1,
        };
        if (offset < 0)
        {
            return 1;
        }

        var buffer = new byte[256];
        if (Stat(path, buffer) != 0)
        {
            return 1;
        }

        return RuntimeInformation.ProcessArchitecture == Architecture.X64 ? BitConverter.ToInt64(buffer, offset) : BitConverter.ToUInt32(buffer, offset);
    }

    // struct stat: x86-64 puts the 8-byte st_nlink after st_dev and st_ino; the generic layout (Arm64) puts st_mode first
    // and a 4-byte st_nlink at 20.
    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);
}
