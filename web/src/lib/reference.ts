// Fixed vocabularies of the API (roles, sectors) and the regions/provinces reference, fetched
// once per page load.
import { api, type Province, type Region } from './api';
import { locale, t } from '../i18n';

export const ROLES = [
  'unit_head',
  'officer',
  'prosecutor',
  'judge',
  'clerk',
  'social_worker',
  'doctor',
  'psychologist',
  'accompagnatrice',
  'commission_member',
  'administrator',
] as const;

export const SECTORS = [
  'police',
  'gendarmerie',
  'prosecution',
  'court',
  'health',
  'ngo_listening',
  'ngo_shelter',
  'entraide_nationale',
  'child_protection',
  'commission',
  'local_authority',
  'education',
] as const;

export const roleLabel = (r: string) => () => t(`role.${r}`);
export const sectorLabel = (s: string) => () => t(`sector.${s}`);

let regions: Promise<Region[]> | null = null;

export function loadRegions(): Promise<Region[]> {
  if (!regions) {
    regions = api.get<{ regions: Region[] }>('/api/v1/reference/regions').then((r) => r.regions);
    regions.catch(() => {
      regions = null; // try again next time
    });
  }
  return regions;
}

/** The place name in the current language (Arabic names for Arabic, French otherwise). */
export function placeName(p: Region | Province): string {
  return locale() === 'ar' ? p.name_ar : p.name_fr;
}

export function findProvince(rs: Region[], code: string): { region: Region; province: Province } | undefined {
  for (const region of rs) {
    const province = region.provinces.find((p) => p.code === code);
    if (province) return { region, province };
  }
  return undefined;
}
