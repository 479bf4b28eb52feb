"""Fixed vocabularies of the synthetic cases: names, places, ports, chemicals, vehicles, firearms.

Names are invented combinations of common given names and surnames; no record describes a real
person. Ports of entry, cities and their coordinates are real (rounded to about 1 km) so maps and
corridors look like the real border; the CBP port codes are the public four-digit codes.
"""

from __future__ import annotations

# Given names and surnames common in Mexico and the US (combined at random, never a real person).
GIVEN_ES = (
    "Alejandro Andrés Antonio Arturo Benjamín Carlos César Cristian Daniel David Diego Eduardo Emilio "
    "Enrique Ernesto Esteban Fernando Francisco Gabriel Gerardo Guillermo Gustavo Héctor Hugo Ignacio "
    "Iván Jaime Javier Jesús Joaquín Jorge José Juan Julio Leonardo Luis Manuel Marco Mario Martín "
    "Mateo Miguel Nicolás Óscar Pablo Pedro Rafael Ramón Raúl Ricardo Roberto Rodrigo Rubén Salvador "
    "Santiago Sergio Tomás Ulises Víctor Adriana Alejandra Alicia Ana Andrea Beatriz Carmen Carolina "
    "Cecilia Claudia Daniela Diana Elena Elisa Esperanza Fernanda Gabriela Guadalupe Isabel Jimena "
    "Josefina Julia Laura Leticia Lucía Luisa Marisol Marta Mónica Natalia Patricia Paula Raquel "
    "Rocío Rosa Sandra Silvia Sofía Susana Teresa Valeria Verónica Ximena Yolanda"
).split()
SURNAMES_ES = (
    "Acosta Aguilar Alvarado Álvarez Arellano Ávila Barrera Becerra Bermúdez Cabrera Camacho Campos "
    "Cárdenas Carrillo Castañeda Castillo Castro Cervantes Chávez Contreras Cortés Cruz Delgado Díaz "
    "Domínguez Escobar Espinoza Estrada Félix Fernández Flores Fuentes Gallardo Gallegos García "
    "Garza Gómez González Guerrero Gutiérrez Guzmán Hernández Herrera Ibarra Jiménez Juárez Lara León "
    "López Lozano Luna Macías Maldonado Márquez Martínez Medina Mejía Meléndez Méndez Mendoza Miranda "
    "Molina Montes Morales Moreno Muñoz Navarro Núñez Ochoa Olvera Orozco Ortega Ortiz Pacheco "
    "Padilla Peña Pérez Ponce Quintero Ramírez Ramos Rangel Reyes Ríos Rivera Robles Rodríguez Rojas "
    "Romero Rosales Rubio Ruiz Salazar Salinas Sánchez Sandoval Santiago Serrano Solís Soto Suárez "
    "Tapia Torres Trejo Trujillo Valdez Valencia Vargas Vázquez Vega Velázquez Villa Zamora Zúñiga"
).split()
GIVEN_EN = (
    "Aaron Adam Alan Amber Amy Andrew Angela Anthony Ashley Austin Barbara Benjamin Brandon Brian "
    "Brittany Bryan Caleb Carl Charles Chelsea Christopher Cody Craig Crystal Curtis Dale Dana Derek "
    "Donald Dustin Dylan Emily Eric Erin Ethan Frank Gary Gregory Heather Holly Jacob James Jared "
    "Jason Jeffrey Jennifer Jeremy Jessica Joel Joshua Justin Karen Kayla Keith Kelly Kevin Kyle "
    "Lance Larry Lauren Linda Logan Lori Mark Matthew Megan Melissa Michael Nathan Nicole Patrick "
    "Paul Rachel Randy Rebecca Richard Ryan Samantha Scott Sean Shane Shawn Stephanie Steven Tammy "
    "Terry Thomas Timothy Todd Travis Tyler Wayne Whitney William Zachary"
).split()
SURNAMES_EN = (
    "Adams Allen Anderson Baker Barnes Bell Bennett Brooks Brown Bryant Butler Campbell Carter Clark "
    "Coleman Collins Cook Cooper Cox Davis Edwards Evans Fisher Foster Gibson Graham Gray Green "
    "Griffin Hall Harris Hayes Henderson Hill Howard Hughes Jackson James Jenkins Johnson Jones "
    "Kelly Kennedy King Lee Lewis Long Marshall Martin Mason Miller Mitchell Moore Morgan Morris "
    "Murphy Murray Nelson Owens Parker Patterson Perry Peterson Phillips Powell Price Reed Richardson "
    "Roberts Robinson Rogers Ross Russell Sanders Scott Simmons Smith Stewart Sullivan Taylor Thomas "
    "Thompson Tucker Turner Walker Wallace Ward Warren Washington Watson Webb Wells West White "
    "Williams Wilson Wood Wright Young"
).split()

# (code, name, state, lat, lon): CBP land ports of entry on the US-Mexico border.
PORTS = (
    ("2504", "San Ysidro", "CA", 32.5422, -117.0297),
    ("2506", "Otay Mesa", "CA", 32.5500, -116.9389),
    ("2503", "Calexico", "CA", 32.6751, -115.4989),
    ("2602", "Lukeville", "AZ", 31.8806, -112.8169),
    ("2604", "Nogales", "AZ", 31.3326, -110.9418),
    ("2601", "Douglas", "AZ", 31.3340, -109.5603),
    ("2402", "El Paso", "TX", 31.7634, -106.4510),
    ("2304", "Laredo", "TX", 27.5006, -99.5075),
    ("2305", "Hidalgo", "TX", 26.0958, -98.2711),
    ("2301", "Brownsville", "TX", 25.9017, -97.4975),
)
# Mexican border city facing each port (same order as PORTS), with coordinates.
BORDER_CITIES = (
    ("Tijuana", 32.5149, -117.0382), ("Tijuana", 32.5149, -117.0382), ("Mexicali", 32.6245, -115.4523),
    ("Sonoyta", 31.8614, -112.8536), ("Nogales, Sonora", 31.3086, -110.9422),
    ("Agua Prieta", 31.3275, -109.5489), ("Ciudad Juárez", 31.6904, -106.4245),
    ("Nuevo Laredo", 27.4779, -99.5157), ("Reynosa", 26.0508, -98.2978), ("Matamoros", 25.8690, -97.5027),
)
# US cities that receive from each port's corridor (same order as PORTS).
US_CITIES = {
    "San Diego": (32.7157, -117.1611), "Los Angeles": (34.0522, -118.2437), "Phoenix": (33.4484, -112.0740),
    "Tucson": (32.2226, -110.9747), "El Paso": (31.7619, -106.4850), "Albuquerque": (35.0844, -106.6504),
    "Denver": (39.7392, -104.9903), "San Antonio": (29.4241, -98.4936), "Houston": (29.7604, -95.3698),
    "Dallas": (32.7767, -96.7970), "Chicago": (41.8781, -87.6298), "Atlanta": (33.7490, -84.3880),
    "Seattle": (47.6062, -122.3321), "New York": (40.7128, -74.0060),
}
CORRIDOR_CITIES = (
    ("San Diego", "Los Angeles", "Seattle"), ("San Diego", "Los Angeles", "Chicago"),
    ("Los Angeles", "Phoenix", "Denver"), ("Phoenix", "Tucson", "Denver"), ("Tucson", "Phoenix", "Chicago"),
    ("Tucson", "Albuquerque", "Denver"), ("El Paso", "Albuquerque", "Dallas"),
    ("San Antonio", "Dallas", "Chicago"), ("Houston", "Atlanta", "New York"), ("Houston", "Dallas", "Atlanta"),
)
# Mexican interior cities where labs are set up.
LAB_CITIES = (
    ("Culiacán", 24.8091, -107.3940), ("Guadalajara", 20.6597, -103.3496), ("Hermosillo", 29.0729, -110.9559),
    ("Los Mochis", 25.7904, -108.9858), ("Mazatlán", 23.2494, -106.4111),
)
SEA_PORTS = (("Manzanillo", 19.0522, -104.3158), ("Lázaro Cárdenas", 17.9583, -102.2000))
ABROAD = (("Wuhan", "CN", 30.5928, 114.3055), ("Shanghai", "CN", 31.2304, 121.4737),
          ("Mumbai", "IN", 19.0760, 72.8777), ("Hyderabad", "IN", 17.3850, 78.4867))

# (name, alias, CAS number, category); control status is set per phase by the scenario.
PRECURSORS = (
    ("NPP", "N-phenethyl-4-piperidone", "39742-60-4", "precursor"),
    ("4-ANPP", "despropionyl fentanyl", "21409-26-7", "precursor"),
    ("4-AP", "4-anilinopiperidine", "23056-29-3", "precursor"),
    ("1-boc-4-AP", "tert-butyl 4-(phenylamino)piperidine-1-carboxylate", "125541-22-2", "precursor"),
    ("Propionyl chloride", "propanoyl chloride", "79-03-8", "reagent"),
    ("Aniline", "phenylamine", "62-53-3", "reagent"),
)
PRODUCTS = (("Fentanyl pills", "", "", "product"), ("Fentanyl powder", "", "", "product"))

SUPPLIER_WORDS = ("Hubei Wuhan Hebei Jiangsu Zhejiang Shandong Henan Anhui Hunan Guangdong Fujian Tianjin "
                  "Mumbai Gujarat Hyderabad Chennai Pune Delhi").split()
SUPPLIER_NAMES = ("Jinlong Huayang Xinfeng Tianrui Hengda Kaixin Ruifeng Shengda Longsheng Yuanda Haoxiang "
                  "Bairui Dongsheng Fuxin Guangrun Jiahe Aarav Shree Vedant Anand Kiran Surya").split()
SUPPLIER_KINDS = ("Chemical Co., Ltd.", "Biotech Co., Ltd.", "Pharmatech Co.", "Fine Chemicals Ltd.",
                  "Trading Co., Ltd.", "Laboratories Pvt. Ltd.")
FRONT_WORDS = ("Pacífico Sierra Golfo Norte Alianza Dorado Aurora Frontera Horizonte Cumbre Laguna Delta "
               "Azteca Nova Sol Mar Valle Río Puerto Costa").split()
FRONT_KINDS = ("Comercializadora", "Importadora", "Distribuidora", "Logística", "Agroquímicos", "Farmacéutica")
FRONT_SUFFIXES = ("S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V.")
DEALER_WORDS = ("Desert Lone Star Border Canyon Mesa Frontier Patriot Eagle Coyote Sunbelt Rio Grande "
                "Sonoran Cactus Pecos Saguaro Big Bend Gila").split()
DEALER_KINDS = ("Arms LLC", "Guns & Ammo", "Outdoors Inc.", "Firearms LLC", "Sporting Goods", "Pawn & Gun")
FIREARMS = (("Colt", "AR-15", "5.56"), ("Century Arms", "WASR-10", "7.62x39"), ("Barrett", "M82", ".50 BMG"),
            ("FN Herstal", "FNX-45", ".45"), ("Glock", "19", "9mm"), ("Smith & Wesson", "M&P15", "5.56"),
            ("Ruger", "AR-556", "5.56"), ("Palmetto State Armory", "PA-15", "5.56"))
VEHICLES = (("Honda", "Civic", "car"), ("Toyota", "Corolla", "car"), ("Nissan", "Sentra", "car"),
            ("Ford", "F-150", "truck"), ("Chevrolet", "Silverado", "truck"), ("Dodge", "Ram 1500", "truck"),
            ("Freightliner", "Cascadia", "tractor"), ("Volkswagen", "Jetta", "car"), ("Jeep", "Cherokee", "suv"))
AREA_CODES_MX = ("667", "664", "686", "631", "656", "867", "899", "868", "662", "33")
AREA_CODES_US = ("619", "213", "602", "520", "915", "505", "720", "210", "713", "214", "312", "404")
