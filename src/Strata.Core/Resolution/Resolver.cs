using Strata.Engine;
using Strata.Naming;
using Strata.Registry;

namespace Strata.Resolution;

/// <summary>Picks a value from the highest layer that has one, in the configured order, and records the provenance.</summary>
internal sealed class Resolver(DefinitionRegistry registry, EnvironmentLayer environment, IReadOnlyList<SettingLayer> order)
{
    public DefinitionRegistry Registry { get; } = registry;

    public ResolvedSetting? Resolve(string ns, string key, KeyState? state, ScopeChain chain, bool explain)
    {
        var definition = Registry.Find(ns, key);
        List<LayerValue>? layers = explain ? [] : null;
        LayerValue? winner = null;

        foreach (var layer in order)
        {
            switch (layer)
            {
                case SettingLayer.Override when state is not null:
                    foreach (var scope in chain.Scopes)
                        if (state.At(scope) is { IsLive: true } stored)
                            Offer(new LayerValue(layer, stored.Value, stored.Scope, stored.Version, null));
                    break;
                case SettingLayer.Environment when definition is not null && environment.TryGet(definition, out var variable, out var envValue):
                    Offer(new LayerValue(layer, envValue, null, 0, variable));
                    break;
                case SettingLayer.Yaml when definition?.YamlDefault is { } yaml:
                    Offer(new LayerValue(layer, yaml, null, 0, null));
                    break;
                case SettingLayer.Code when definition?.CodeDefault is { } code:
                    Offer(new LayerValue(layer, code, null, 0, null));
                    break;
            }
            if (winner is not null && layers is null) break;
        }

        if (winner is null) return null;
        var storedWinner = winner.Layer == SettingLayer.Override ? state!.At(winner.Scope!) : null;
        return new ResolvedSetting(
            definition?.Namespace ?? state!.Namespace, definition?.Key ?? state!.Key, winner.Value, winner.Layer,
            storedWinner, definition, winner.Variable, layers, state?.At(chain.Target)?.Version ?? 0);

        void Offer(LayerValue candidate)
        {
            winner ??= candidate;
            layers?.Add(candidate);
        }
    }
}
