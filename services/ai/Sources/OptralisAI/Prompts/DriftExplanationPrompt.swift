extension PromptTemplate {
    /// The spec's drift step 4, "Appel Claude API pour expliquer le drift détecté": a short
    /// explanation stored in `metric_baselines.drift_explanation`.
    static let driftExplanation = PromptTemplate(
        id: "drift-explanation", version: "1",
        french: """
            Sur la machine {{hostname}}, la métrique {{metric}} vaut {{current_value}} sur la dernière heure, \
            contre une moyenne de {{baseline_mean}} (écart-type {{baseline_stddev}}) sur les 7 jours précédents : \
            z-score {{z_score}}, dérive {{severity}}.
            Événements récents :
            {{events}}
            Explique en 2 ou 3 phrases, en français, la cause la plus probable et la première vérification à faire. \
            Réponds en texte simple, sans JSON.
            """,
        english: """
            On machine {{hostname}}, the metric {{metric}} is {{current_value}} over the last hour, \
            against a mean of {{baseline_mean}} (standard deviation {{baseline_stddev}}) over the previous 7 days: \
            z-score {{z_score}}, {{severity}} drift.
            Recent events:
            {{events}}
            Explain in 2 or 3 sentences, in English, the most likely cause and the first thing to check. \
            Answer in plain text, without JSON.
            """)
}
