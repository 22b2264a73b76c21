// Sectors whose staff work on cases (docs/cases.md, "who sees what").
export const CASE_SECTORS = ['police', 'gendarmerie', 'prosecution', 'court', 'health', 'ngo_listening', 'ngo_shelter', 'entraide_nationale', 'child_protection'];
