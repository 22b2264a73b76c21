// The directory's API shapes (docs/directory.md, docs/openapi/30-directory.json).
export interface OpeningHours {
  days: string[];
  opens: string;
  closes: string;
}

interface ServiceCommon {
  id: string;
  name: string;
  unit_name: string;
  description: string | null;
  sector: string;
  region_code: number;
  province_code: string;
  commune: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  phones: string[];
  email: string | null;
  hours: OpeningHours[];
  open_24h: boolean;
  services: string[];
  languages: string[];
  accessibility: string[];
  free_of_charge: boolean;
}

export interface PublicService extends ServiceCommon {
  has_space: boolean | null;
}

export interface Shelter {
  beds: number;
  child_places: number;
  beds_occupied: number;
  children_occupied: number;
  beds_free: number;
  child_places_free: number;
  admission_criteria: string | null;
  publish_availability: boolean;
  updated_at: string;
}

export interface DirectoryService extends ServiceCommon {
  unit_id: string;
  published: boolean;
  updated_at: string;
  shelter: Shelter | null;
  distance_km?: number | null;
}

export const SERVICE_KINDS = [
  'listening',
  'orientation',
  'medical_care',
  'medical_certificate',
  'psychological_support',
  'complaint',
  'legal_aid',
  'shelter',
  'child_protection',
  'accompaniment',
  'economic_integration',
  'hotline',
] as const;

export const LANGUAGES = ['ar', 'ary', 'zgh', 'shi', 'tzm', 'rif', 'mey', 'fr', 'es', 'en', 'sgn'] as const;

export const ACCESSIBILITY = [
  'wheelchair',
  'step_free',
  'ground_floor',
  'sign_language',
  'women_only_space',
  'child_friendly',
  'interpreter_on_request',
  'private_room',
] as const;

export const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
