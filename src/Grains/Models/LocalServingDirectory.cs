using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Models;

/// <summary>
/// The silo's <see cref="ILocalServingDirectory"/>: one entry per model-version grain that has a loaded runtime and per
/// model grain that is active on this silo. Only the owning activation adds or removes its entry; removal names the
/// instance, so a late removal never withdraws a newer activation's entry.
/// </summary>
public sealed class LocalServingDirectory : ILocalServingDirectory
{
    private readonly ConcurrentDictionary<string, ILocalModelVersion> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ILocalModelRouter> _routers = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public bool TryGetVersion(string versionKey, [NotNullWhen(true)] out ILocalModelVersion? version) =>
        _versions.TryGetValue(versionKey, out version);

    /// <inheritdoc />
    public bool TryGetRouter(string model, [NotNullWhen(true)] out ILocalModelRouter? router) =>
        _routers.TryGetValue(model, out router);

    internal void Publish(string versionKey, ILocalModelVersion version) => _versions[versionKey] = version;

    internal void Withdraw(string versionKey, ILocalModelVersion version) =>
        _versions.TryRemove(new KeyValuePair<string, ILocalModelVersion>(versionKey, version));

    internal void Publish(string model, ILocalModelRouter router) => _routers[model] = router;

    internal void Withdraw(string model, ILocalModelRouter router) =>
        _routers.TryRemove(new KeyValuePair<string, ILocalModelRouter>(model, router));
}
