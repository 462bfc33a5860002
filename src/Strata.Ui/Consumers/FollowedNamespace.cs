namespace Strata.Ui.Consumers;

/// <summary>A namespace consumers follow: the last revision that changed it, how many follow it and how many have not applied that yet.</summary>
internal sealed record FollowedNamespace(string Name, long Revision, int Consumers, int Behind);
